import { z } from 'zod';

// WhatsApp Cloud API webhook (field "messages"), as far as Chorus reads it.
const id = z.union([z.string().min(1), z.number()]).transform(String);
const mediaObject = z.looseObject({ id: id.optional(), mime_type: z.string().optional(), caption: z.string().optional(), filename: z.string().optional(), link: z.string().optional() });

export const waMessage = z.looseObject({
  from: id,
  id: z.string().min(1),
  timestamp: z.unknown().optional(),
  type: z.string().min(1),
  text: z.looseObject({ body: z.string() }).optional(),
  image: mediaObject.optional(), video: mediaObject.optional(), audio: mediaObject.optional(), document: mediaObject.optional(), sticker: mediaObject.optional(),
  reaction: z.looseObject({ message_id: z.string().min(1), emoji: z.string().optional() }).optional(),
  location: z.looseObject({ latitude: z.number().optional(), longitude: z.number().optional(), name: z.string().optional(), address: z.string().optional(), url: z.string().optional() }).optional(),
  contacts: z.array(z.looseObject({
    name: z.looseObject({ formatted_name: z.string().optional(), first_name: z.string().optional(), last_name: z.string().optional() }).optional(),
    phones: z.array(z.looseObject({ phone: z.string().optional(), type: z.string().optional() })).optional(),
    emails: z.array(z.looseObject({ email: z.string().optional() })).optional(),
    org: z.looseObject({ company: z.string().optional() }).optional(),
  })).optional(),
  order: z.looseObject({
    catalog_id: z.string().optional(), text: z.string().optional(),
    product_items: z.array(z.looseObject({ product_retailer_id: z.string().optional(), quantity: z.union([z.number(), z.string()]).optional(), item_price: z.union([z.number(), z.string()]).optional(), currency: z.string().optional() })).optional(),
  }).optional(),
  interactive: z.looseObject({ type: z.string().optional(), button_reply: z.looseObject({ id: z.string().optional(), title: z.string().optional() }).optional(), list_reply: z.looseObject({ id: z.string().optional(), title: z.string().optional(), description: z.string().optional() }).optional() }).optional(),
  button: z.looseObject({ text: z.string().optional(), payload: z.string().optional() }).optional(),
  referral: z.looseObject({ source_url: z.string().optional(), source_type: z.string().optional(), source_id: z.string().optional(), headline: z.string().optional(), body: z.string().optional() }).optional(),
  system: z.looseObject({ body: z.string().optional(), type: z.string().optional() }).optional(),
  context: z.looseObject({ id: z.string().optional(), forwarded: z.boolean().optional(), frequently_forwarded: z.boolean().optional() }).optional(),
  errors: z.array(z.looseObject({ code: z.unknown().optional(), title: z.string().optional(), message: z.string().optional() })).optional(),
});
export type WaMessage = z.infer<typeof waMessage>;

export const waEnvelope = z.looseObject({
  object: z.string().optional(),
  entry: z.array(z.looseObject({
    id: id.optional(),
    changes: z.array(z.looseObject({
      field: z.string().optional(),
      value: z.looseObject({
        metadata: z.looseObject({ phone_number_id: id.optional(), display_phone_number: z.string().optional() }).optional(),
        contacts: z.array(z.looseObject({ wa_id: id.optional(), profile: z.looseObject({ name: z.string().optional() }).optional() })).optional(),
        messages: z.array(z.unknown()).optional(),
        statuses: z.array(z.unknown()).optional(),
      }),
    })),
  })),
});
