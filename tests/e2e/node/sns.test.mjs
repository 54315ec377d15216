// SNS with the AWS SDK for JavaScript v3 (@aws-sdk/client-sns, query protocol) against a real
// wharf: topic, SQS subscription, Publish and PublishBatch fan-out (checked by receiving with
// @aws-sdk/client-sqs), listings, attributes, and errors mapped to the SDK's exception classes.
//
// Run: node sns.test.mjs --wharf PATH   (or WHARF_BIN=PATH node --test)
// Needs node_modules: scripts/e2e-deps.sh installs them from package-lock.json.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';

import {
  CreateTopicCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsCommand,
  PublishBatchCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

import { startWharf } from './wharf.mjs';

const ACCOUNT = '000000000000';
let server;
let sns;
let sqs;

before(async () => {
  server = await startWharf();
  const config = {
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${server.port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  };
  sns = new SNSClient(config);
  sqs = new SQSClient(config);
});

after(() => {
  sns?.destroy();
  sqs?.destroy();
  if (server && server.proc.exitCode === null) server.proc.kill('SIGKILL');
});

beforeEach(async () => {
  const res = await fetch(`http://127.0.0.1:${server.port}/_wharf/reset`, { method: 'POST' });
  assert.equal(res.status, 200);
});

// A topic with one SQS subscriber; resolves to {TopicArn, QueueUrl, SubscriptionArn}.
async function topicWithQueue(name, attributes = {}) {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-q` }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({
    QueueUrl, AttributeNames: ['QueueArn'],
  }));
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({
    TopicArn, Protocol: 'sqs', Endpoint: Attributes.QueueArn, Attributes: attributes,
    ReturnSubscriptionArn: true,
  }));
  return { TopicArn, QueueUrl, SubscriptionArn };
}

// Receives until `n` messages came (deliveries are asynchronous), at most ~5 s.
async function receive(QueueUrl, n) {
  const bodies = [];
  for (let i = 0; i < 100 && bodies.length < n; i++) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    for (const m of got.Messages ?? []) bodies.push(m.Body);
    if (bodies.length < n) await new Promise((r) => setTimeout(r, 50));
  }
  return bodies;
}

test('CreateTopic, Subscribe sqs, Publish: the queue gets the signed envelope', async () => {
  const { TopicArn, QueueUrl, SubscriptionArn } = await topicWithQueue('js-topic');
  assert.equal(TopicArn, `arn:aws:sns:us-east-1:${ACCOUNT}:js-topic`);
  assert.ok(SubscriptionArn.startsWith(`${TopicArn}:`));
  const { MessageId } = await sns.send(new PublishCommand({
    TopicArn, Message: 'hello from JS', Subject: 'js',
    MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } },
  }));
  const [body] = await receive(QueueUrl, 1);
  const env = JSON.parse(body);
  assert.equal(env.Type, 'Notification');
  assert.equal(env.MessageId, MessageId);
  assert.equal(env.TopicArn, TopicArn);
  assert.equal(env.Message, 'hello from JS');
  assert.equal(env.Subject, 'js');
  assert.equal(env.SignatureVersion, '1');
  assert.ok(env.Signature.length > 0);
  assert.deepEqual(env.MessageAttributes, { k: { Type: 'String', Value: 'v' } });
  assert.ok(env.UnsubscribeURL.endsWith(`?Action=Unsubscribe&SubscriptionArn=${SubscriptionArn}`));  // as AWS writes it
});

test('ListSubscriptions and GetTopicAttributes', async () => {
  const { TopicArn, SubscriptionArn } = await topicWithQueue('js-list');
  const { Subscriptions } = await sns.send(new ListSubscriptionsCommand({}));
  assert.deepEqual(Subscriptions.map((s) => [s.SubscriptionArn, s.Protocol, s.TopicArn]),
    [[SubscriptionArn, 'sqs', TopicArn]]);
  const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn }));
  assert.equal(Attributes.TopicArn, TopicArn);
  assert.equal(Attributes.Owner, ACCOUNT);
  assert.equal(Attributes.SubscriptionsConfirmed, '1');
  assert.equal(Attributes.SubscriptionsPending, '0');
});

test('PublishBatch fans out every entry', async () => {
  const { TopicArn, QueueUrl } = await topicWithQueue('js-batch', { RawMessageDelivery: 'true' });
  const out = await sns.send(new PublishBatchCommand({
    TopicArn,
    PublishBatchRequestEntries: [{ Id: 'a', Message: 'one' }, { Id: 'b', Message: 'two ✓' }],
  }));
  assert.deepEqual(out.Successful.map((e) => e.Id).sort(), ['a', 'b']);
  assert.deepEqual(out.Failed ?? [], []);
  assert.deepEqual((await receive(QueueUrl, 2)).sort(), ['one', 'two ✓']);
});

test('a missing topic is a NotFoundException (404)', async () => {
  await assert.rejects(
    sns.send(new GetTopicAttributesCommand({
      TopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:nope`,
    })),
    (err) => {
      assert.equal(err.name, 'NotFoundException');
      assert.equal(err.message, 'Topic does not exist');
      assert.equal(err.$metadata.httpStatusCode, 404);
      return true;
    });
});

test('PublishBatch with repeated Ids is a BatchEntryIdsNotDistinctException', async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'js-dup' }));
  await assert.rejects(
    sns.send(new PublishBatchCommand({
      TopicArn,
      PublishBatchRequestEntries: [{ Id: 'a', Message: '1' }, { Id: 'a', Message: '2' }],
    })),
    (err) => {
      assert.equal(err.name, 'BatchEntryIdsNotDistinctException');
      assert.equal(err.message, 'Two or more batch entries in the request have the same Id.');
      assert.equal(err.$metadata.httpStatusCode, 400);
      return true;
    });
});
