import iconv from 'iconv-lite';
import { decodeBytes, detectCharset } from './detect-charset';

// Bytes built with iconv-lite in each charset, the way legacy mailers send them.
const SAMPLES: [string, string, string][] = [
  ['gbk', '关于您的订单发货问题', 'gb18030'],
  ['big5', '關於您的訂單發貨問題', 'big5'],
  ['shift_jis', 'ご注文の商品についてのお問い合わせ', 'shift_jis'],
  ['koi8-r', 'Вопрос по заказу номер сорок два', 'koi8-r'],
  ['windows-1251', 'Вопрос по заказу номер сорок два', 'windows-1251'],
  ['euc-kr', '주문하신 상품에 대한 문의입니다', 'euc-kr'],
];

describe('legacy charset detection', () => {
  it.each(SAMPLES)('recognises %s text without a declared charset', (enc, text, want) => {
    const bytes = iconv.encode(text, enc);
    expect(detectCharset(bytes)).toBe(want);
    expect(decodeBytes(bytes).text).toBe(text);
  });

  it('takes the declared charset first when the bytes are valid in it', () => {
    const bytes = iconv.encode('Grüße aus Köln', 'windows-1252');
    expect(decodeBytes(bytes, 'iso-8859-1').text).toBe('Grüße aus Köln');
    expect(decodeBytes(iconv.encode('关于订单', 'gbk'), 'gb2312').text).toBe('关于订单');
  });

  it('ignores a declared charset the bytes are not valid in', () => {
    expect(decodeBytes(iconv.encode('ご注文の商品について', 'shift_jis'), 'utf-8').text).toBe('ご注文の商品について');
  });

  it('reads ISO-2022-JP escapes even though every byte is 7-bit', () => {
    // ESC $ B <JIS X 0208 bytes> ESC ( B, built by hand (RFC 1468): テスト
    const bytes = Buffer.from('\x1b$B%F%9%H\x1b(B', 'latin1');
    expect(decodeBytes(bytes).text).toBe('テスト');
  });

  it('never produces replacement characters: unknown bytes fall back to latin1', () => {
    const bytes = Buffer.from([0x41, 0xff, 0xfe, 0x81]);
    expect(decodeBytes(bytes).text).not.toContain('\uFFFD');
  });
});
