#include "services/sns/sns_signer.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <future>

#include "services/sns/sns_util.h"
#include "wharf/core/thread_name.h"

namespace wharf::sns {

struct Signer::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

namespace {

std::string BioString(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

constexpr std::string_view kSelectKey =
    "SELECT doc FROM sns_objects WHERE kind='signing' AND id='key'";
constexpr std::string_view kInsertKey =
    "INSERT OR REPLACE INTO sns_objects(kind, id, doc) VALUES('signing', 'key', ?1)";

}  // namespace

Signer::~Signer() = default;

Result<std::unique_ptr<Signer>> Signer::Generate() {
  EVP_PKEY* pkey = EVP_RSA_gen(2048);
  if (pkey == nullptr) return AwsError::Internal("RSA key generation failed");
  auto key = std::make_unique<Key>();
  key->pkey = pkey;
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 10L * 365 * 24 * 3600);
  X509_set_pubkey(x, pkey);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("sns.amazonaws.com"), -1, -1,
                             0);
  X509_set_issuer_name(x, name);
  bool signed_ok = X509_sign(x, pkey, EVP_sha256()) > 0;
  std::string key_pem, cert_pem;
  if (signed_ok) {
    BIO* kb = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(kb, pkey, nullptr, nullptr, 0, nullptr, nullptr);
    key_pem = BioString(kb);
    BIO_free(kb);
    BIO* cb = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(cb, x);
    cert_pem = BioString(cb);
    BIO_free(cb);
  }
  X509_free(x);
  if (!signed_ok) return AwsError::Internal("certificate signing failed");
  return FromPem(key_pem, cert_pem);
}

Result<std::unique_ptr<Signer>> Signer::FromPem(const std::string& key_pem,
                                                const std::string& cert_pem) {
  BIO* kb = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
  BIO_free(kb);
  if (pkey == nullptr) return AwsError::Internal("stored SNS signing key is not a PEM key");
  std::unique_ptr<Signer> s(new Signer());
  s->key_ = std::make_unique<Key>();
  s->key_->pkey = pkey;
  s->key_pem_ = key_pem;
  s->cert_pem_ = cert_pem;
  s->cert_id_ = Sha256Hex(cert_pem).substr(0, 32);
  return s;
}

Result<std::unique_ptr<Signer>> Signer::LoadOrCreate(Store& store) {
  std::string doc;
  WHARF_RETURN_IF_ERROR(store.Read(kSelectKey, {}, [&](const SqlRow& row) { doc = row.Text(0); }));
  if (!doc.empty()) {
    auto j = nlohmann::json::parse(doc, nullptr, false);
    if (j.is_object()) return FromPem(Str(j, "key"), Str(j, "cert"));
  }
  auto made = Generate();
  if (!made.ok()) return made;
  std::promise<Status> committed;
  auto f = committed.get_future();
  nlohmann::json j = {{"key", made.value()->key_pem_}, {"cert", made.value()->cert_pem_}};
  store.Write({SqlStatement{kInsertKey, {j.dump()}}},
              [&committed](Status s) { committed.set_value(std::move(s)); });
  WHARF_RETURN_IF_ERROR(f.get());
  return made;
}

void BackgroundSigner::Prepare() {
  if (started_.load(std::memory_order_acquire)) return;
  std::lock_guard lock(mu_);
  if (started_.load(std::memory_order_relaxed)) return;
  signer_ =
      std::async(std::launch::async, [&store = store_]() -> std::shared_ptr<const Signer> {
        NameThisThread("sns-key");
        auto loaded = Signer::LoadOrCreate(store);
        if (loaded.ok()) return std::move(loaded).value();
        spdlog::warn("SNS signing key: {}; using a key for this run only", loaded.error().message);
        auto made = Signer::Generate();
        if (made.ok()) return std::move(made).value();
        spdlog::error("SNS signing key: {}", made.error().message);
        return nullptr;
      }).share();
  started_.store(true, std::memory_order_release);
}

const Signer* BackgroundSigner::Get() {
  Prepare();
  return signer_.get().get();
}

void BackgroundSigner::Wait() {
  if (!started_.load(std::memory_order_acquire)) return;
  signer_.wait();
}

BackgroundSigner::~BackgroundSigner() { Wait(); }

std::string Signer::Sign(std::string_view canonical, int version) const {
  constexpr size_t kCacheEntries = 64;
  std::string key = std::to_string(version) + '\n';
  key.append(canonical);
  {
    std::lock_guard lock(cache_mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
  }
  std::string sig = SignUncached(canonical, version);
  std::lock_guard lock(cache_mu_);
  if (cache_.size() >= kCacheEntries) cache_.clear();
  cache_.emplace(std::move(key), sig);
  return sig;
}

std::string Signer::SignUncached(std::string_view canonical, int version) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const EVP_MD* md = version == 2 ? EVP_sha256() : EVP_sha1();
  std::string sig;
  size_t len = 0;
  if (EVP_DigestSignInit(ctx, nullptr, md, nullptr, key_->pkey) == 1 &&
      EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(canonical.data()),
                     canonical.size()) == 1) {
    sig.resize(len);
    if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(canonical.data()),
                       canonical.size()) == 1) {
      sig.resize(len);
    } else {
      sig.clear();
    }
  }
  EVP_MD_CTX_free(ctx);
  return Base64Encode(sig);
}

std::string CanonicalString(const nlohmann::json& envelope) {
  static const char* kNotification[] = {"Message",   "MessageId", "Subject",
                                        "Timestamp", "TopicArn",  "Type"};
  static const char* kConfirmation[] = {"Message", "MessageId", "SubscribeURL", "Timestamp",
                                        "Token",   "TopicArn",  "Type"};
  std::string out;
  auto add = [&](const char* name) {
    auto it = envelope.find(name);
    if (it == envelope.end() || !it->is_string()) return;
    out += name;
    out += '\n';
    out += it->get<std::string>();
    out += '\n';
  };
  if (Str(envelope, "Type") == "Notification") {
    for (const char* n : kNotification) add(n);
  } else {
    for (const char* n : kConfirmation) add(n);
  }
  return out;
}

}  // namespace wharf::sns
