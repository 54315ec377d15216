// SNS message signatures: an RSA 2048 key and a self-signed certificate, made once with OpenSSL
// and kept in the Store, signing canonical strings with SHA1withRSA (SignatureVersion 1) or
// SHA256withRSA (SignatureVersion 2). Thread-safe after construction.
#pragma once

#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>

#include "wharf/core/result.h"
#include "wharf/storage/store.h"

namespace wharf::sns {

class Signer {
 public:
  // Loads the key from the sns_objects table (kind "signing"), or makes one and writes it
  // (synchronously: waits for the commit). REQUIRES: the "sns" migrations have run.
  static Result<std::unique_ptr<Signer>> LoadOrCreate(Store& store);
  // Makes a fresh key and certificate without storing them.
  static Result<std::unique_ptr<Signer>> Generate();
  ~Signer();

  // Base64 RSA signature of `canonical`; version 2 = SHA-256, anything else SHA-1.
  std::string Sign(std::string_view canonical, int version) const;
  const std::string& cert_pem() const { return cert_pem_; }
  // 32 lower-case hex characters naming the certificate: SimpleNotificationService-<id>.pem.
  const std::string& cert_id() const { return cert_id_; }

 private:
  Signer() = default;
  static Result<std::unique_ptr<Signer>> FromPem(const std::string& key_pem,
                                                 const std::string& cert_pem);
  struct Key;
  std::unique_ptr<Key> key_;
  std::string key_pem_, cert_pem_, cert_id_;
  // Recent signatures by version + canonical string: a fan-out signs the same envelope for every
  // subscriber, and an RSA signature costs about a millisecond. Bounded; cleared when full.
  std::string SignUncached(std::string_view canonical, int version) const;
  mutable std::mutex cache_mu_;
  mutable std::unordered_map<std::string, std::string> cache_;
};

// The Signer, loaded or made on a thread of its own, and only once something asks for it: making
// an RSA 2048 key takes a few hundred milliseconds, which start-up should not wait for (with
// --in-memory it happens at every start), and even loading a stored key initialises most of
// OpenSSL (about 2 MiB of resident memory) in a process that may never sign anything.
class BackgroundSigner {
 public:
  // Nothing happens until Prepare or Get. `store` must outlive this object.
  explicit BackgroundSigner(Store& store) : store_(store) {}
  ~BackgroundSigner();  // waits for a started thread
  BackgroundSigner(const BackgroundSigner&) = delete;
  BackgroundSigner& operator=(const BackgroundSigner&) = delete;

  // Starts Signer::LoadOrCreate(store) on its own thread unless it has started already. When the
  // store cannot keep a new key, the key is used for this run only (logged). Thread-safe, cheap
  // once started.
  void Prepare();
  // The signer (Prepare, then waiting for it). Null only if OpenSSL cannot make a key at all
  // (logged). Thread-safe.
  const Signer* Get();
  // Waits for a started Prepare to finish (a key being stored must be written before the store
  // closes); does not start one.
  void Wait();

 private:
  Store& store_;
  std::atomic<bool> started_{false};
  std::mutex mu_;
  std::shared_future<std::shared_ptr<const Signer>> signer_;  // valid once started_
};

// The canonical string AWS signs (§5.5): "name\nvalue\n" for each present field in AWS's order
// (Notification: Message, MessageId, Subject, Timestamp, TopicArn, Type; confirmations:
// Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type).
std::string CanonicalString(const nlohmann::json& envelope);

}  // namespace wharf::sns
