#include "unit/http/client_test_support.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cctype>
#include <stdexcept>
#include <variant>

namespace gw::http::test_support {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using boost::system::error_code;
using namespace boost::asio::experimental::awaitable_operators;

namespace {

constexpr auto kTuple = net::as_tuple(net::use_awaitable);

std::string lowerCase(std::string s) {
  for (char& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

template <class Message>
Received toReceived(const Message& msg, std::size_t connection) {
  Received r;
  r.method = std::string(msg.method_string());
  r.target = std::string(msg.target());
  for (const auto& field : msg) {
    r.headers[lowerCase(std::string(field.name_string()))] = std::string(field.value());
  }
  r.connection = connection;
  return r;
}

tcp::acceptor listenLoopback(net::io_context& ioc) {
  tcp::acceptor acceptor(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  return acceptor;
}

}  // namespace

void runAsync(net::io_context& ioc, std::function<net::awaitable<void>()> body) {
  bool done = false;
  std::exception_ptr error;
  net::co_spawn(ioc, body(), [&](std::exception_ptr e) {
    done = true;
    error = e;
    ioc.stop();
  });
  ioc.restart();
  ioc.run_for(std::chrono::seconds(30));
  if (error) {
    std::rethrow_exception(error);
  }
  EXPECT_TRUE(done) << "test coroutine did not finish";
}

net::awaitable<bool> Event::wait(std::chrono::milliseconds limit) {
  if (set_) {
    co_return true;
  }
  timer_.expires_after(limit);
  co_await timer_.async_wait(kTuple);
  co_return set_;
}

// ---------------------------------------------------------------------------------------------
// FakeServer

struct FakeServer::State {
  State(net::io_context& ioc, Handler h, ssl::context* ctx)
      : acceptor(listenLoopback(ioc)),
        handler(std::move(h)),
        tls(ctx),
        closed(ioc.get_executor()),
        stop(ioc) {
    stop.expires_at(std::chrono::steady_clock::time_point::max());
  }
  tcp::acceptor acceptor;
  Handler handler;
  ssl::context* tls;
  Event closed;
  net::steady_timer stop;  ///< cancelled when the server goes away: ends stalls
  std::size_t connections = 0;
  std::size_t client_closures = 0;
  std::vector<Received> requests;
  std::string sni;

  void noteClientClosed() {
    ++client_closures;
    closed.set();
  }
};

struct Peer::Impl {
  std::variant<tcp::socket, ssl::stream<tcp::socket>> stream;
  std::shared_ptr<FakeServer::State> server;
  std::size_t index = 0;

  template <class F>
  auto with(F&& f) {
    if (auto* s = std::get_if<ssl::stream<tcp::socket>>(&stream)) {
      return f(*s);
    }
    return f(std::get<tcp::socket>(stream));
  }
  tcp::socket& socket() {
    if (auto* s = std::get_if<ssl::stream<tcp::socket>>(&stream)) {
      return s->next_layer();
    }
    return std::get<tcp::socket>(stream);
  }
};

net::awaitable<void> Peer::write(std::string bytes) {
  co_await impl_->with([&](auto& s) { return net::async_write(s, net::buffer(bytes), kTuple); });
}

net::awaitable<void> Peer::readUntilClosed() {
  std::array<char, 4096> buf{};
  for (;;) {
    auto [ec, n] =
        co_await impl_->with([&](auto& s) { return s.async_read_some(net::buffer(buf), kTuple); });
    if (ec) {
      impl_->server->noteClientClosed();
      co_return;
    }
  }
}

net::awaitable<void> Peer::stall() { co_await impl_->server->stop.async_wait(kTuple); }

void Peer::close() {
  error_code ignored;
  impl_->socket().shutdown(tcp::socket::shutdown_both, ignored);
  impl_->socket().close(ignored);
}

namespace {

net::awaitable<void> serveConnection(std::shared_ptr<Peer::Impl> impl) {
  auto& server = *impl->server;
  if (auto* tls = std::get_if<ssl::stream<tcp::socket>>(&impl->stream)) {
    auto [ec] = co_await tls->async_handshake(ssl::stream_base::server, kTuple);
    if (const char* name = SSL_get_servername(tls->native_handle(), TLSEXT_NAMETYPE_host_name)) {
      server.sni = name;
    }
    if (ec) {
      co_return;
    }
  }
  beast::flat_buffer buffer;
  Peer peer(impl);
  for (;;) {
    bhttp::request<bhttp::string_body> request;
    auto [ec, n] =
        co_await impl->with([&](auto& s) { return bhttp::async_read(s, buffer, request, kTuple); });
    if (ec) {
      if (ec != net::error::operation_aborted) {
        server.noteClientClosed();
      }
      co_return;
    }
    Received received = toReceived(request, impl->index);
    received.body = request.body();
    server.requests.push_back(received);
    const bool keep = co_await server.handler(peer, received);
    if (!keep || !impl->socket().is_open()) {
      peer.close();
      co_return;
    }
  }
}

net::awaitable<void> acceptLoop(std::shared_ptr<FakeServer::State> state) {
  for (;;) {
    auto [ec, socket] = co_await state->acceptor.async_accept(kTuple);
    if (ec) {
      co_return;
    }
    socket.set_option(tcp::no_delay(true));
    auto impl = std::make_shared<Peer::Impl>(Peer::Impl{
        state->tls
            ? decltype(Peer::Impl::stream)(std::in_place_index<1>, std::move(socket), *state->tls)
            : decltype(Peer::Impl::stream)(std::in_place_index<0>, std::move(socket)),
        state, ++state->connections});
    net::co_spawn(state->acceptor.get_executor(), serveConnection(std::move(impl)), net::detached);
  }
}

}  // namespace

FakeServer::FakeServer(net::io_context& ioc, Handler handler, net::ssl::context* tls)
    : state_(std::make_shared<State>(ioc, std::move(handler), tls)) {
  net::co_spawn(ioc, acceptLoop(state_), net::detached);
}

FakeServer::~FakeServer() {
  error_code ignored;
  state_->acceptor.close(ignored);
  state_->stop.cancel();
}

std::uint16_t FakeServer::port() const { return state_->acceptor.local_endpoint().port(); }

std::string FakeServer::url(std::string_view path, std::string_view host) const {
  return std::string(state_->tls ? "https://" : "http://") + std::string(host) + ":" +
         std::to_string(port()) + std::string(path);
}

std::size_t FakeServer::connections() const { return state_->connections; }
const std::vector<Received>& FakeServer::requests() const { return state_->requests; }
std::size_t FakeServer::clientClosures() const { return state_->client_closures; }
Event& FakeServer::clientClosed() { return state_->closed; }
std::string FakeServer::lastSni() const { return state_->sni; }

// ---------------------------------------------------------------------------------------------
// ConnectProxy

struct ConnectProxy::State {
  State(net::io_context& ioc, std::uint16_t target) : acceptor(listenLoopback(ioc)), port(target) {}
  tcp::acceptor acceptor;
  std::uint16_t port;
  std::vector<Received> requests;
};

namespace {

net::awaitable<void> pump(tcp::socket& from, tcp::socket& to) {
  std::array<char, 16384> buf{};
  for (;;) {
    auto [ec, n] = co_await from.async_read_some(net::buffer(buf), kTuple);
    if (ec) {
      co_return;
    }
    auto [wec, written] = co_await net::async_write(to, net::buffer(buf.data(), n), kTuple);
    if (wec) {
      co_return;
    }
  }
}

net::awaitable<void> proxyConnection(std::shared_ptr<ConnectProxy::State> state,
                                     tcp::socket client) {
  beast::flat_buffer buffer;
  bhttp::request_parser<bhttp::empty_body> parser;
  auto [ec, n] = co_await bhttp::async_read_header(client, buffer, parser, kTuple);
  if (ec) {
    co_return;
  }
  state->requests.push_back(toReceived(parser.get(), state->requests.size() + 1));
  if (parser.get().method() != bhttp::verb::connect) {
    const std::string answer = httpResponse(200, "via proxy", "Connection: close\r\n");
    co_await net::async_write(client, net::buffer(answer), kTuple);
    co_return;
  }
  tcp::socket upstream(client.get_executor());
  auto [cec] = co_await upstream.async_connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), state->port), kTuple);
  if (cec) {
    const std::string answer = httpResponse(502, "");
    co_await net::async_write(client, net::buffer(answer), kTuple);
    co_return;
  }
  const std::string established = "HTTP/1.1 200 Connection established\r\n\r\n";
  co_await net::async_write(client, net::buffer(established), kTuple);
  co_await (pump(client, upstream) || pump(upstream, client));
}

net::awaitable<void> proxyAcceptLoop(std::shared_ptr<ConnectProxy::State> state) {
  for (;;) {
    auto [ec, socket] = co_await state->acceptor.async_accept(kTuple);
    if (ec) {
      co_return;
    }
    net::co_spawn(state->acceptor.get_executor(), proxyConnection(state, std::move(socket)),
                  net::detached);
  }
}

}  // namespace

ConnectProxy::ConnectProxy(net::io_context& ioc, std::uint16_t target_port)
    : state_(std::make_shared<State>(ioc, target_port)) {
  net::co_spawn(ioc, proxyAcceptLoop(state_), net::detached);
}

ConnectProxy::~ConnectProxy() {
  error_code ignored;
  state_->acceptor.close(ignored);
}

std::uint16_t ConnectProxy::port() const { return state_->acceptor.local_endpoint().port(); }
const std::vector<Received>& ConnectProxy::requests() const { return state_->requests; }

// ---------------------------------------------------------------------------------------------
// Responses, certificates, ports

std::string httpResponse(int status, std::string_view body, std::string_view extra_headers) {
  return "HTTP/1.1 " + std::to_string(status) +
         " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         std::string(extra_headers) + "\r\n" + std::string(body);
}

std::string chunkedHead(int status, std::string_view extra_headers) {
  return "HTTP/1.1 " + std::to_string(status) +
         " X\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n" +
         std::string(extra_headers) + "\r\n";
}

std::string chunk(std::string_view data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return std::string(size) + std::string(data) + "\r\n";
}

TestCert makeSelfSignedCert(const std::string& san) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  if (key == nullptr || cert == nullptr) {
    throw std::runtime_error("OpenSSL allocation failed");
  }
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 4242);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("gw-test"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  for (const auto& [nid, value] : {std::pair<int, std::string>{NID_subject_alt_name, san},
                                   {NID_basic_constraints, "critical,CA:TRUE"},
                                   {NID_key_usage, "critical,digitalSignature,keyCertSign"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (ext == nullptr) {
      throw std::runtime_error("bad certificate extension " + value);
    }
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(cert, key, EVP_sha256());
  auto toPem = [](auto write) {
    BIO* bio = BIO_new(BIO_s_mem());
    write(bio);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(len));
    BIO_free(bio);
    return out;
  };
  TestCert out;
  out.cert_pem = toPem([&](BIO* bio) { PEM_write_bio_X509(bio, cert); });
  out.key_pem = toPem(
      [&](BIO* bio) { PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr); });
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

std::shared_ptr<net::ssl::context> makeServerTls(const TestCert& cert) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->use_certificate_chain(net::buffer(cert.cert_pem));
  ctx->use_private_key(net::buffer(cert.key_pem), ssl::context::pem);
  return ctx;
}

std::uint16_t closedPort(net::io_context& ioc) {
  auto acceptor = listenLoopback(ioc);
  return acceptor.local_endpoint().port();
}

}  // namespace gw::http::test_support
