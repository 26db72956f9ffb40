import { describe, expect, it } from 'vitest';
import { maskCredentials } from '../../../src/config/mask-credentials.js';

describe('maskCredentials', () => {
  it.each([
    ['a well-formed URL', 'smtp://alarm:Sup3rS3cret@mail.corp:25', 'smtp://***@mail.corp:25'],
    ['smtps with a path', 'smtps://alarm:Sup3rS3cret@mail.corp:465/', 'smtps://***@mail.corp:465/'],
    ['one slash (issue 16 defect 3)', 'smtp:/alarm:Sup3rS3cret@mail.corp:25', 'smtp:/***@mail.corp:25'],
    ['no slash', 'smtp:alarm:Sup3rS3cret@mail.corp:25', 'smtp:***@mail.corp:25'],
    ['three slashes', 'smtp:///alarm:Sup3rS3cret@mail.corp', 'smtp:///***@mail.corp'],
    ['backslashes', 'smtp:\\\\alarm:Sup3rS3cret@mail.corp', 'smtp:\\\\***@mail.corp'],
    ['no scheme, only //', '//alarm:Sup3rS3cret@mail.corp', '//***@mail.corp'],
    ['no scheme and no slashes: user:password@host', 'alarm:Sup3rS3cret@mail.corp:25', 'alarm:***@mail.corp:25'],
    ['a user without a password', 'smtp://alarm@mail.corp:25', 'smtp://***@mail.corp:25'],
    ['a percent-encoded password', 'smtp://alarm:p%40ss%3Aw0rd@mail.corp', 'smtp://***@mail.corp'],
    ['a whole URL percent-encoded', 'smtp%3A%2F%2Falarm%3ASup3rS3cret%40mail.corp', 'smtp%3A%2F%2F***%40mail.corp'],
    ['an unencoded @ inside the password', 'smtp://alarm:p@ss@mail.corp', 'smtp://***@mail.corp'],
    ['a / inside the password', 'smtp://alarm:pa/ss@mail.corp', 'smtp://***@mail.corp'],
    ['an upper-case scheme', 'SMTP://alarm:Sup3rS3cret@mail.corp', 'SMTP://***@mail.corp'],
    ['inside a quoted warning', 'line 4: mail_transport "smtp:/alarm:Sup3rS3cret@mail.corp:25": expected', 'line 4: mail_transport "smtp:/***@mail.corp:25": expected'],
    ['after a key and =', 'mail_transport=smtp://alarm:Sup3rS3cret@mail.corp', 'mail_transport=smtp://***@mail.corp'],
    ['after a key and = with no scheme', 'url=//alarm:Sup3rS3cret@mail.corp', 'url=//***@mail.corp'],
    ['two URLs in one message', 'via smtp://a:1@x and smtps://b:2@y', 'via smtp://***@x and smtps://***@y'],
    ['a nodemailer error echoing the URL', 'Invalid URL smtp://alarm:Sup3rS3cret@mail.corp:99999: port', 'Invalid URL smtp://***@mail.corp:99999: port'],
  ])('masks %s', (_name, text, masked) => {
    expect(maskCredentials(text)).toBe(masked);
    expect(maskCredentials(masked)).toBe(masked);
  });

  it.each([
    ['a plain mail address', 'alarm mail sent to ops@example.com dev@example.com: subject'],
    ['an address after a colon and space', 'unable to send alarm mail to ops@example.com: connect ECONNREFUSED 127.0.0.1:25'],
    ['an SMTP reply naming an address', '550 5.1.1 RCPT TO:<ops@example.com> rejected'],
    ['a URL without userinfo', 'smtp://mail.corp:25'],
    ['sendmail', 'sendmail'],
    ['an empty text', ''],
  ])('leaves %s alone', (_name, text) => {
    expect(maskCredentials(text)).toBe(text);
  });

  it('stays linear on a long run of scheme-like text', () => {
    const text = `${'a:'.repeat(200_000)}@x`;
    expect(maskCredentials(text)).toBe('a:***@x');
  });
});
