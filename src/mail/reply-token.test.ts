import { signReplyToken, verifyReplyToken } from './reply-token';

describe('reply tokens', () => {
  it('round-trips a ticket id and refuses forgeries', () => {
    const token = signReplyToken('s3cret', 1042);
    expect(verifyReplyToken('s3cret', token)).toBe(1042);
    expect(verifyReplyToken('other', token)).toBeNull();
    expect(verifyReplyToken('s3cret', token.replace('1042', '1043'))).toBeNull();
    expect(verifyReplyToken('s3cret', 'garbage')).toBeNull();
  });
});
