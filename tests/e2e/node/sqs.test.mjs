// SQS with the AWS SDK for JavaScript v3 (@aws-sdk/client-sqs, JSON protocol) against a real wharf.
// The SDK verifies MD5OfMessageBody on Send, SendBatch and Receive, and maps errors to exception
// classes through the x-amzn-query-error header.
//
// Run: node sqs.test.mjs --wharf PATH   (or WHARF_BIN=PATH node --test)
// Needs node_modules: scripts/e2e-deps.sh installs them from package-lock.json.
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';

import {
  CreateQueueCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

import { startWharf } from './wharf.mjs';

const ACCOUNT = '000000000000';

const md5 = (s) => createHash('md5').update(s, 'utf8').digest('hex');
let server;
let endpoint;
let sqs;

function client(ep = endpoint) {
  return new SQSClient({
    region: 'us-east-1',
    endpoint: ep,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

before(async () => {
  server = await startWharf();
  endpoint = `http://127.0.0.1:${server.port}`;
  sqs = client();
});

after(() => {
  sqs?.destroy();
  if (server && server.proc.exitCode === null) server.proc.kill('SIGKILL');
});

beforeEach(async () => {
  const res = await fetch(`${endpoint}/_wharf/reset`, { method: 'POST' });
  assert.equal(res.status, 200);
});

test('SendMessage and ReceiveMessage pass the SDK MD5 checks', async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'js-q' }));
  const body = 'héllo from JS \r\n <&>';
  const sent = await sqs.send(new SendMessageCommand({
    QueueUrl,
    MessageBody: body,
    MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } },
  }));
  assert.equal(sent.MD5OfMessageBody, md5(body));
  const got = await sqs.send(new ReceiveMessageCommand({
    QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'],
  }));
  assert.equal(got.Messages.length, 1);
  assert.equal(got.Messages[0].Body, body);
  assert.equal(got.Messages[0].MD5OfBody, md5(body));
  assert.deepEqual(got.Messages[0].MessageAttributes,
    { k: { DataType: 'String', StringValue: 'v' } });
});

test('SendMessageBatch passes the SDK MD5 checks', async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'js-batch' }));
  const out = await sqs.send(new SendMessageBatchCommand({
    QueueUrl,
    Entries: [{ Id: 'a', MessageBody: 'one' }, { Id: 'b', MessageBody: 'two ✓' }],
  }));
  assert.deepEqual(out.Successful.map((e) => e.Id).sort(), ['a', 'b']);
  assert.equal(out.Failed ?? undefined, undefined);
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
  assert.deepEqual(got.Messages.map((m) => m.Body).sort(), ['one', 'two ✓']);
});

test('a missing queue is a QueueDoesNotExist exception', async () => {
  await assert.rejects(
    sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' })),
    (err) => {
      assert.equal(err.name, 'QueueDoesNotExist');
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.equal(err.message, 'The specified queue does not exist.');
      return true;
    },
  );
});

test('the queue URL comes from the Host header and is usable without an endpoint', async () => {
  const local = client(`http://localhost:${server.port}`);
  const { QueueUrl } = await local.send(new CreateQueueCommand({ QueueName: 'js-host' }));
  assert.equal(QueueUrl, `http://localhost:${server.port}/${ACCOUNT}/js-host`);
  local.destroy();
  // With no endpoint the SDK sends to the QueueUrl's origin.
  const noEndpoint = new SQSClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  const sent = await noEndpoint.send(new SendMessageCommand({ QueueUrl, MessageBody: 'via url' }));
  assert.equal(sent.MD5OfMessageBody, md5('via url'));
  noEndpoint.destroy();
});
