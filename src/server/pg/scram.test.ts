import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseClientFirst, ScramError, scramKeys, verifyClientFinal } from './scram.js';

// The SCRAM-SHA-256 example exchange of RFC 7677, section 3: user "user", password "pencil".
const clientFirst = 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO';
const serverNonce = 'rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
const serverFirst = `r=${serverNonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096`;
const clientFinal = `c=biws,r=${serverNonce},p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=`;

test('RFC 7677 example: the proof verifies and the server signature matches', async () => {
  const keys = await scramKeys('pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), 4096);
  const client = parseClientFirst(clientFirst);
  assert.equal(client.nonce, 'rOprNGfwEbeRWgbNEkqO');
  const verdict = verifyClientFinal(clientFinal, client, { message: serverFirst, nonce: serverNonce }, keys);
  assert.equal(verdict, 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
});

test('a wrong password fails the proof; tampered messages are rejected', async () => {
  const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
  const wrong = await scramKeys('pencil2', salt, 4096);
  const client = parseClientFirst(clientFirst);
  const server = { message: serverFirst, nonce: serverNonce };
  assert.equal(verifyClientFinal(clientFinal, client, server, wrong), undefined);
  const keys = await scramKeys('pencil', salt, 4096);
  assert.throws(
    () => verifyClientFinal(clientFinal.replace('r=rOpr', 'r=xOpr'), client, server, keys),
    ScramError,
  );
  assert.throws(
    () => verifyClientFinal(clientFinal.replace('c=biws', 'c=eSws'), client, server, keys),
    ScramError,
  );
  assert.throws(() => parseClientFirst('p=tls-server-end-point,,n=,r=abc'), /channel binding/);
  assert.throws(() => parseClientFirst('garbage'), ScramError);
});
