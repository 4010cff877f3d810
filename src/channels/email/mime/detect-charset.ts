// Turning bytes of an unknown or wrongly declared legacy charset into text: the declared charset
// when the bytes are valid in it, else the best-scoring of the charsets mail is commonly sent in
// (the `chardet` library ranks them when it is installed), else latin1 — every byte is valid
// latin1, so no byte ever becomes a replacement character.

const CANDIDATES = ['gb18030', 'big5', 'shift_jis', 'euc-jp', 'iso-2022-jp', 'euc-kr', 'koi8-r', 'windows-1251', 'iso-8859-2', 'windows-1250', 'windows-1253', 'windows-1255', 'windows-1256', 'windows-1252'];

const ALIASES: Record<string, string> = { gb2312: 'gb18030', gbk: 'gb18030', 'x-gbk': 'gb18030', cp936: 'gb18030', 'big5-hkscs': 'big5', sjis: 'shift_jis', 'x-sjis': 'shift_jis', 'ms932': 'shift_jis', 'windows-31j': 'shift_jis', cp932: 'shift_jis', ks_c_5601: 'euc-kr', 'ks_c_5601-1987': 'euc-kr', 'iso-8859-1': 'windows-1252', latin1: 'windows-1252', 'us-ascii': 'windows-1252', ascii: 'windows-1252' };

export function normaliseCharset(name: string | undefined | null): string | null {
  if (!name) return null;
  const n = name.trim().toLowerCase().replace(/^["']|["']$/g, '').replace(/^cp-?125(\d)$/, 'windows-125$1').replace(/^win-?125(\d)$/, 'windows-125$1');
  const target = ALIASES[n] ?? n;
  try {
    return new TextDecoder(target).encoding;
  } catch {
    return null;
  }
}

export function decodeStrict(bytes: Buffer, charset: string): string | null {
  try {
    const text = new TextDecoder(charset, { fatal: true }).decode(bytes);
    // ISO-2022-JP decodes any ASCII; only take it when its escapes are there.
    if (charset === 'iso-2022-jp' && !bytes.includes(0x1b)) return null;
    return text;
  } catch {
    return null;
  }
}

export const isAscii = (bytes: Buffer) => !bytes.some((b) => b >= 0x80 || b === 0x1b);

export function isUtf8(bytes: Buffer): boolean {
  return decodeStrict(bytes, 'utf-8') !== null;
}

// The most frequent characters of running Chinese text, simplified and traditional; they tell GBK
// from Big5 on short strings where byte ranges alone cannot.
const SIMPLIFIED = new Set('的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心请问题订单发货邮件测试您谢客服务码联系号'.split(''));
const TRADITIONAL = new Set('的一是不了在人有我他這個們中來上大為和國地到以說時要就出會可也你對生能而子那得於著下自之年過發後作裏用道行所然家種事成方多經麼去法學如都同現當沒動面起看定天分還進好小部其些主樣理心請問題訂單發貨郵件測試您謝客服務碼聯繫號'.split(''));

// How much the text looks like real writing rather than mojibake. Mojibake mixes scripts inside a
// word, flips case mid-word (KOI8-R read as windows-1251 and back), and lands on rare code points.
export function plausibility(text: string, charset: string): number {
  let score = 0;
  let prev = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) {
      prev = ch;
      continue;
    }
    if (c < 0xa0 || (c >= 0xe000 && c <= 0xf8ff) || c === 0xfffd) score -= 10;
    else if ((c >= 0x3040 && c <= 0x30ff)) score += charset === 'shift_jis' || charset === 'euc-jp' || charset === 'iso-2022-jp' ? 5 : 1;
    else if (c >= 0xac00 && c <= 0xd7a3) score += charset === 'euc-kr' ? 4 : 1;
    else if (c >= 0x4e00 && c <= 0x9fff) {
      score += 2;
      if (SIMPLIFIED.has(ch) && charset === 'gb18030') score += 3;
      if (TRADITIONAL.has(ch) && charset === 'big5') score += 3;
    } else if (c >= 0x3000 && c <= 0x303f) score += 1;
    else if ((c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff) || c >= 0x20000) score -= 2;
    else if (c >= 0x0400 && c <= 0x04ff) {
      const upper = ch !== ch.toLowerCase();
      const prevLowerCyr = /[\u0430-\u045f]/.test(prev);
      const prevLatin = /[A-Za-z\u00c0-\u024f]/.test(prev);
      score += upper && prevLowerCyr ? -3 : prevLatin ? -3 : 1;
      if (/[оеаинт]/.test(ch)) score += 1;
    } else if ((c >= 0x0370 && c <= 0x03ff) || (c >= 0x0590 && c <= 0x06ff)) score += /[\u0370-\u06ff]/.test(prev) || prev === ' ' || prev === '' ? 1 : -1;
    else if (/\p{L}/u.test(ch)) score += /[\u0400-\u06ff\u3040-\u9fff]/.test(prev) ? -3 : 1;
    else if (c >= 0x2500 && c <= 0x259f) score -= 3;
    else score -= 1;
    prev = ch;
  }
  return score;
}

type Chardet = { analyse(b: Buffer): { name: string; confidence: number }[] };
const chardet: Chardet | null = (() => {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('chardet') as Chardet;
  } catch {
    return null;
  }
})();

// The charset the bytes most likely are in, among those they are valid in. `chardet` ranks by
// byte statistics, which is strong on long text and weak on a short name or subject (two GBK
// characters come out as Shift_JIS), so its confidence only adds to how plausible each decoding
// reads; on long text its top pick wins, on short text the plausibility decides.
export function detectCharset(bytes: Buffer): string {
  const confidence = new Map<string, number>();
  for (const r of chardet ? chardet.analyse(bytes) : []) {
    const name = normaliseCharset(r.name);
    if (name && !confidence.has(name)) confidence.set(name, r.confidence);
  }
  let best = { charset: 'windows-1252', score: -Infinity };
  for (const charset of new Set([...CANDIDATES, ...confidence.keys()])) {
    const text = decodeStrict(bytes, charset);
    if (text === null) continue;
    const score = plausibility(text, charset) + (confidence.get(charset) ?? 0) / 20;
    if (score > best.score) best = { charset, score };
  }
  return best.charset;
}

// Text from bytes: valid UTF-8 as such, then the declared charset, then detection, then latin1.
export function decodeBytes(bytes: Buffer, declared?: string | null): { text: string; charset: string } {
  if (bytes.includes(0x1b)) {
    const jis = decodeStrict(bytes, 'iso-2022-jp');
    if (jis !== null && /[^\x00-\x7f]/.test(jis)) return { text: jis, charset: 'iso-2022-jp' };
  }
  if (isAscii(bytes)) return { text: bytes.toString('latin1'), charset: 'us-ascii' };
  if (isUtf8(bytes)) return { text: bytes.toString('utf8'), charset: 'utf-8' };
  // A declared US-ASCII says nothing about 8-bit bytes.
  const hint = declared && /^\s*"?(us-)?ascii"?\s*$/i.test(declared) ? null : normaliseCharset(declared);
  if (hint && hint !== 'utf-8') {
    const text = decodeStrict(bytes, hint);
    if (text !== null) return { text, charset: hint };
  }
  const charset = detectCharset(bytes);
  return { text: decodeStrict(bytes, charset) ?? bytes.toString('latin1'), charset };
}
