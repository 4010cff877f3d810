import { png } from '../../test/helpers/images';
import { checkLogo, LOGO_MAX_BYTES } from './brand-logo';

describe('brand logo check', () => {
  it('reads type and size from the bytes of PNG, GIF, JPEG and WebP', () => {
    expect(checkLogo(png(120, 40))).toEqual({ ok: true, logo: expect.objectContaining({ type: 'image/png', width: 120, height: 40 }) });
    const gif = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.from([64, 0, 32, 0]), Buffer.alloc(20)]);
    expect(checkLogo(gif)).toEqual({ ok: true, logo: expect.objectContaining({ type: 'image/gif', width: 64, height: 32 }) });
    // SOI, an APP0 segment, then SOF0 with height 50 and width 200.
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x32, 0x00, 0xc8, 0x03, ...Array(20).fill(0)]);
    expect(checkLogo(jpeg)).toEqual({ ok: true, logo: expect.objectContaining({ type: 'image/jpeg', width: 200, height: 50 }) });
    const webp = Buffer.alloc(30);
    webp.write('RIFF', 0, 'latin1');
    webp.write('WEBPVP8X', 8, 'latin1');
    webp.writeUIntLE(299, 24, 3);
    webp.writeUIntLE(99, 27, 3);
    expect(checkLogo(webp)).toEqual({ ok: true, logo: expect.objectContaining({ type: 'image/webp', width: 300, height: 100 }) });
  });

  it('refuses SVG, renamed text, tiny, huge and heavy images with the reason', () => {
    const refuse = (b: Buffer) => {
      const r = checkLogo(b);
      if (r.ok) throw new Error('accepted');
      return r.error;
    };
    expect(refuse(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))).toMatch(/PNG, JPEG, GIF or WebP.*SVG is not accepted/);
    expect(refuse(Buffer.from('just text named logo.png'))).toMatch(/PNG, JPEG, GIF or WebP/);
    expect(refuse(png(8, 8))).toMatch(/8×8 px; use between 16 and 4096/);
    expect(refuse(png(5000, 20))).toMatch(/5000×20 px/);
    expect(refuse(Buffer.concat([png(40, 40), Buffer.alloc(LOGO_MAX_BYTES)]))).toMatch(/at most 512 KB/);
  });
});
