import { z } from 'zod';
import { registerCommonSettings } from '../../channels/channel-settings';

// Per inbox (settings.maskCardNumbers): mask payment card numbers in arriving messages.
registerCommonSettings('maskCardNumbers', z.boolean().describe('Mask payment card numbers (Luhn-valid, 13–19 digits) in arriving messages to their last four digits, raw item included'));
