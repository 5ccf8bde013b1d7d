#include "replica.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libssh2.h>
#include <libssh2_sftp.h>
#include <openssl/evp.h>

#define KEY_FILE_MAX (1 << 20)	/* an OpenSSH key is a few hundred bytes */

int pg_replica_init(void)
{
	static int done;
	int rc;

	if (done)
		return 0;
	rc = libssh2_init(0);
	if (rc) {
		pg_error_set("cannot initialise libssh2 (error %d)", rc);
		return -1;
	}
	done = 1;
	return 0;
}

/* One connection to the replica, from the socket up to an open file. */
struct conn {
	const struct pg_replica_cfg *rc;
	int port;
	int timeout_ms;
	int sock;
	LIBSSH2_SESSION *s;
	LIBSSH2_SFTP *sftp;
	LIBSSH2_SFTP_HANDLE *h;
	int handshaken;
	int broken;		/* the transport failed: no goodbye, no waiting */
	int bye_reason;		/* SSH_DISCONNECT_* for the goodbye */
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the client key, checked before any traffic ---- */

static int read_file(const char *path, struct pg_buf *out)
{
	char chunk[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		pg_buf_put(out, chunk, (size_t)n);
		if (out->len > KEY_FILE_MAX) {
			n = -1;
			errno = EFBIG;
			break;
		}
	}
	if (n < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

static int get_u32(const unsigned char **p, size_t *left, uint32_t *v)
{
	if (*left < 4)
		return -1;
	*v = (uint32_t)(*p)[0] << 24 | (uint32_t)(*p)[1] << 16 |
	     (uint32_t)(*p)[2] << 8 | (uint32_t)(*p)[3];
	*p += 4;
	*left -= 4;
	return 0;
}

static int get_string(const unsigned char **p, size_t *left,
		      const unsigned char **s, size_t *slen)
{
	uint32_t n;

	if (get_u32(p, left, &n) < 0 || n > *left)
		return -1;
	*s = *p;
	*slen = n;
	*p += n;
	*left -= n;
	return 0;
}

/*
 * The key type and cipher of an openssh-key-v1 private key (the text
 * between the armor lines).  0, or -1 when it is not one.
 */
static int openssh_key_info(const char *text, size_t len, char *type, size_t typesz,
			    int *encrypted)
{
	static const char magic[] = "openssh-key-v1";	/* and its NUL */
	struct pg_buf b64 = PG_BUF_INIT;
	unsigned char *bin;
	const unsigned char *p, *s;
	size_t left, slen, i, pad = 0;
	uint32_t nkeys;
	int n, ret = -1;

	for (i = 0; i < len; i++)
		if (text[i] != '\n' && text[i] != '\r' && text[i] != ' ' && text[i] != '\t')
			pg_buf_putc(&b64, text[i]);
	if (b64.len == 0 || b64.len % 4 || b64.len > KEY_FILE_MAX) {
		pg_buf_free(&b64);
		return -1;
	}
	if (b64.ptr[b64.len - 1] == '=')
		pad++;
	if (b64.len > 1 && b64.ptr[b64.len - 2] == '=')
		pad++;
	bin = pg_xmalloc(b64.len / 4 * 3 + 1);
	n = EVP_DecodeBlock(bin, (const unsigned char *)b64.ptr, (int)b64.len);
	if (n < 0 || (size_t)n < pad)
		goto out;
	p = bin;
	left = (size_t)n - pad;
	if (left < sizeof(magic) || memcmp(p, magic, sizeof(magic)) != 0)
		goto out;
	p += sizeof(magic);
	left -= sizeof(magic);
	if (get_string(&p, &left, &s, &slen) < 0)		/* ciphername */
		goto out;
	*encrypted = !(slen == 4 && memcmp(s, "none", 4) == 0);
	if (get_string(&p, &left, &s, &slen) < 0 ||		/* kdfname */
	    get_string(&p, &left, &s, &slen) < 0 ||		/* kdfoptions */
	    get_u32(&p, &left, &nkeys) < 0 || nkeys < 1 ||
	    get_string(&p, &left, &s, &slen) < 0)		/* first public key */
		goto out;
	p = s;
	left = slen;
	if (get_string(&p, &left, &s, &slen) < 0 || slen >= typesz)
		goto out;
	memcpy(type, s, slen);
	type[slen] = '\0';
	ret = 0;
out:
	free(bin);
	pg_buf_free(&b64);
	return ret;
}

/*
 * What kind of key KEY is: from KEY.pub when it exists, else from the
 * private key.  TYPE gets "ssh-ed25519", "ssh-rsa", ... or "" when we
 * cannot tell (libssh2 then has its say).  -1 when the private key cannot
 * be read.
 */
static int key_info(const char *key, char *type, size_t typesz, int *encrypted)
{
	static const char begin_openssh[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
	static const char end_openssh[] = "-----END OPENSSH PRIVATE KEY-----";
	struct pg_buf priv = PG_BUF_INIT, pub = PG_BUF_INIT, path = PG_BUF_INIT;
	const char *b, *e;
	size_t n;

	type[0] = '\0';
	*encrypted = 0;
	if (read_file(key, &priv) < 0) {
		pg_error_set("cannot read the replica key %s: %s", key, strerror(errno));
		pg_buf_free(&priv);
		return -1;
	}
	pg_buf_printf(&path, "%s.pub", key);
	if (read_file(path.ptr, &pub) == 0) {
		b = pg_buf_cstr(&pub);
		b += strspn(b, " \t\r\n");
		n = strcspn(b, " \t\r\n");
		if (n < typesz) {
			memcpy(type, b, n);
			type[n] = '\0';
		}
	}
	b = strstr(pg_buf_cstr(&priv), begin_openssh);
	if (b) {
		char t[64];
		int enc = 0;

		b += sizeof(begin_openssh) - 1;
		e = strstr(b, end_openssh);
		if (e && openssh_key_info(b, (size_t)(e - b), t, sizeof(t), &enc) == 0) {
			*encrypted = enc;
			if (!type[0])
				snprintf(type, typesz, "%s", t);
		}
	} else {
		if (strstr(pg_buf_cstr(&priv), "ENCRYPTED"))
			*encrypted = 1;
		if (!type[0] && strstr(pg_buf_cstr(&priv), "-----BEGIN RSA PRIVATE KEY-----"))
			snprintf(type, typesz, "ssh-rsa");
		else if (!type[0] && strstr(pg_buf_cstr(&priv), "-----BEGIN DSA PRIVATE KEY-----"))
			snprintf(type, typesz, "ssh-dss");
	}
	pg_buf_free(&priv);
	pg_buf_free(&pub);
	pg_buf_free(&path);
	return 0;
}

/* Everything that can be found wrong without talking to anyone. */
static int check_local(const struct pg_replica_cfg *rc)
{
	char type[64];
	int encrypted, fd;

	if (!rc->host || !*rc->host || !rc->user || !*rc->user || !rc->key || !*rc->key ||
	    !rc->known_hosts || !*rc->known_hosts || !rc->path || !*rc->path) {
		pg_error_set("incomplete [replica] configuration: host, user, key, "
			     "known_hosts and path are all needed");
		return -1;
	}
	if (rc->port > 65535) {
		pg_error_set("bad replica port %d", rc->port);
		return -1;
	}
	if (key_info(rc->key, type, sizeof(type), &encrypted) < 0)
		return -1;
	if (!strcmp(type, "ssh-rsa") || !strncmp(type, "rsa-sha2-", 9)) {
		pg_error_set("the replica key %s is an RSA key, which does not work: "
			     "libssh2 1.10 signs RSA only with SHA-1 (ssh-rsa), which "
			     "OpenSSH 8.8 and later refuse; use an ed25519 key "
			     "(ssh-keygen -t ed25519 -N '' -f %s)", rc->key, rc->key);
		return -1;
	}
	if (!strcmp(type, "ssh-dss")) {
		pg_error_set("the replica key %s is a DSA key, which OpenSSH refuses; "
			     "use an ed25519 key", rc->key);
		return -1;
	}
	if (encrypted) {
		pg_error_set("the replica key %s is protected by a passphrase: a hook "
			     "cannot type it; use an unencrypted ed25519 key, readable "
			     "only by the git user", rc->key);
		return -1;
	}
	fd = open(rc->known_hosts, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pg_error_set("cannot read known_hosts %s: %s", rc->known_hosts, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* ---- the connection ---- */

static int tcp_connect(struct conn *c)
{
	const char *host = c->rc->host;
	struct addrinfo hints, *res = NULL, *ai;
	char port[16];
	long long deadline;
	int err, fd = -1, saved = ECONNREFUSED, timed_out = 0, flags;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%d", c->port);
	err = getaddrinfo(host, port, &hints, &res);
	if (err) {
		pg_error_set("cannot resolve %s: %s", host,
			     err == EAI_SYSTEM ? strerror(errno) : gai_strerror(err));
		return -1;
	}
	deadline = now_ms() + c->timeout_ms;
	for (ai = res; ai && fd < 0 && !timed_out; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
			    ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno != EINPROGRESS) {
			saved = errno;
			close(fd);
			fd = -1;
			continue;
		}
		for (;;) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };
			long long left = deadline - now_ms();
			socklen_t sl = sizeof(err);
			int n;

			if (left <= 0) {
				timed_out = 1;
				break;
			}
			n = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				saved = errno;
				break;
			}
			if (n == 0)
				continue;	/* the deadline check above ends it */
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) < 0)
				err = errno;
			if (err == 0)
				goto connected;
			saved = err;
			break;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		if (timed_out)
			pg_error_set("cannot connect to %s port %d: no answer within %d ms",
				     host, c->port, c->timeout_ms);
		else
			pg_error_set("cannot connect to %s port %d: %s", host, c->port,
				     strerror(saved));
		return -1;
	}
	goto blocking;
connected:
	freeaddrinfo(res);
blocking:
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		pg_error_set("cannot set up the socket to %s: %s", host, strerror(errno));
		close(fd);
		return -1;
	}
	c->sock = fd;
	return 0;
}

static int transport_error(int code)
{
	switch (code) {
	case LIBSSH2_ERROR_SOCKET_NONE:
	case LIBSSH2_ERROR_BANNER_RECV:
	case LIBSSH2_ERROR_BANNER_SEND:
	case LIBSSH2_ERROR_INVALID_MAC:
	case LIBSSH2_ERROR_KEX_FAILURE:
	case LIBSSH2_ERROR_SOCKET_SEND:
	case LIBSSH2_ERROR_KEY_EXCHANGE_FAILURE:
	case LIBSSH2_ERROR_TIMEOUT:
	case LIBSSH2_ERROR_DECRYPT:
	case LIBSSH2_ERROR_SOCKET_DISCONNECT:
	case LIBSSH2_ERROR_PROTO:
	case LIBSSH2_ERROR_SOCKET_TIMEOUT:
	case LIBSSH2_ERROR_SOCKET_RECV:
	case LIBSSH2_ERROR_ENCRYPT:
	case LIBSSH2_ERROR_BAD_SOCKET:
		return 1;
	}
	return 0;
}

/* -1 with "HOST port N: WHAT: libssh2's message". */
static int ssh_fail(struct conn *c, const char *what)
{
	char *msg = NULL;
	int code = libssh2_session_last_error(c->s, &msg, NULL, 0);

	if (transport_error(code))
		c->broken = 1;
	if (code == LIBSSH2_ERROR_TIMEOUT)
		pg_error_set("%s port %d: %s: no answer within %d ms", c->rc->host,
			     c->port, what, c->timeout_ms);
	else
		pg_error_set("%s port %d: %s: %s", c->rc->host, c->port, what,
			     msg && *msg ? msg : "unknown libssh2 error");
	return -1;
}

static const char *fx_name(unsigned long st)
{
	switch (st) {
	case LIBSSH2_FX_EOF:			return "end of file";
	case LIBSSH2_FX_NO_SUCH_FILE:		return "no such file";
	case LIBSSH2_FX_PERMISSION_DENIED:	return "permission denied";
	case LIBSSH2_FX_FAILURE:		return "failure";
	case LIBSSH2_FX_BAD_MESSAGE:		return "bad message";
	case LIBSSH2_FX_NO_CONNECTION:		return "no connection";
	case LIBSSH2_FX_CONNECTION_LOST:	return "connection lost";
	case LIBSSH2_FX_OP_UNSUPPORTED:		return "operation not supported";
	case LIBSSH2_FX_INVALID_HANDLE:		return "invalid handle";
	case LIBSSH2_FX_NO_SUCH_PATH:		return "no such path";
	case LIBSSH2_FX_FILE_ALREADY_EXISTS:	return "file already exists";
	case LIBSSH2_FX_WRITE_PROTECT:		return "write protected";
	case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM:	return "no space left on the file system";
	case LIBSSH2_FX_QUOTA_EXCEEDED:		return "quota exceeded";
	case LIBSSH2_FX_NOT_A_DIRECTORY:	return "not a directory";
	case LIBSSH2_FX_INVALID_FILENAME:	return "invalid file name";
	case LIBSSH2_FX_LINK_LOOP:		return "too many symbolic links";
	}
	return "SFTP error";
}

/* The SFTP status of the last failure, or 0 when it was not one. */
static unsigned long sftp_status(struct conn *c)
{
	if (c->sftp && libssh2_session_last_errno(c->s) == LIBSSH2_ERROR_SFTP_PROTOCOL)
		return libssh2_sftp_last_error(c->sftp);
	return 0;
}

/* -1 with "HOST port N: WHAT PATH: why". */
static int sftp_fail(struct conn *c, const char *what)
{
	unsigned long st = sftp_status(c);
	char buf[512];

	if (st) {
		pg_error_set("%s port %d: %s %s: %s (SFTP status %lu)", c->rc->host,
			     c->port, what, c->rc->path, fx_name(st), st);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s %s", what, c->rc->path);
	return ssh_fail(c, buf);
}

/* "SHA256:..." as ssh-keygen -l prints it. */
static void fingerprint(struct conn *c, char *out, size_t outsz)
{
	const char *h = libssh2_hostkey_hash(c->s, LIBSSH2_HOSTKEY_HASH_SHA256);
	unsigned char b64[64];
	int n;

	if (!h) {
		snprintf(out, outsz, "(no fingerprint)");
		return;
	}
	n = EVP_EncodeBlock(b64, (const unsigned char *)h, 32);
	while (n > 0 && b64[n - 1] == '=')
		n--;
	snprintf(out, outsz, "SHA256:%.*s", n, (const char *)b64);
}

static int check_host_key(struct conn *c)
{
	const struct pg_replica_cfg *rc = c->rc;
	LIBSSH2_KNOWNHOSTS *kh;
	struct libssh2_knownhost *found = NULL;
	const char *key;
	char fp[80], as[300] = "";
	size_t klen = 0;
	int type = 0, n, r;

	key = libssh2_session_hostkey(c->s, &klen, &type);
	if (!key)
		return ssh_fail(c, "no host key");
	fingerprint(c, fp, sizeof(fp));
	if (type != LIBSSH2_HOSTKEY_TYPE_ED25519) {
		pg_error_set("%s port %d: the server offered a host key of type %d, "
			     "not ssh-ed25519", rc->host, c->port, type);
		return -1;
	}
	kh = libssh2_knownhost_init(c->s);
	if (!kh)
		return ssh_fail(c, "cannot set up known hosts");
	n = libssh2_knownhost_readfile(kh, rc->known_hosts, LIBSSH2_KNOWNHOST_FILE_OPENSSH);
	if (n < 0) {
		char what[300];

		libssh2_knownhost_free(kh);
		snprintf(what, sizeof(what), "cannot read known_hosts %s", rc->known_hosts);
		return ssh_fail(c, what);
	}
	r = libssh2_knownhost_checkp(kh, rc->host, c->port, key, klen,
				     LIBSSH2_KNOWNHOST_TYPE_PLAIN |
				     LIBSSH2_KNOWNHOST_KEYENC_RAW |
				     LIBSSH2_KNOWNHOST_KEY_ED25519, &found);
	libssh2_knownhost_free(kh);
	if (c->port != 22)
		snprintf(as, sizeof(as), " as [%s]:%d", rc->host, c->port);
	switch (r) {
	case LIBSSH2_KNOWNHOST_CHECK_MATCH:
		return 0;
	case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
		pg_error_set("host key of %s does not match known_hosts (possible attack): "
			     "it offered ssh-ed25519 %s, %s holds another key for it",
			     rc->host, fp, rc->known_hosts);
		break;
	case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
		pg_error_set("%s is not in known_hosts: add its ed25519 host key "
			     "(no trust on first use) to %s%s; it offered %s",
			     rc->host, rc->known_hosts, as, fp);
		break;
	default:
		pg_error_set("cannot check the host key of %s against %s", rc->host,
			     rc->known_hosts);
		break;
	}
	c->bye_reason = SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE;
	return -1;
}

/*
 * Everything after the local checks: TCP, SSH, host key, user key, SFTP.
 * On failure the caller still calls conn_close().
 */
static int conn_open(struct conn *c, const struct pg_replica_cfg *rc)
{
	struct pg_buf pub = PG_BUF_INIT;
	const char *pubpath = NULL;
	char what[512];
	int r;

	memset(c, 0, sizeof(*c));
	c->rc = rc;
	c->sock = -1;
	c->port = rc->port > 0 ? rc->port : 22;
	c->timeout_ms = rc->timeout_ms > 0 ? rc->timeout_ms : PG_REPLICA_TIMEOUT_MS_DEFAULT;
	c->bye_reason = SSH_DISCONNECT_BY_APPLICATION;
	if (check_local(rc) < 0 || pg_replica_init() < 0 || tcp_connect(c) < 0)
		return -1;

	c->s = libssh2_session_init();
	if (!c->s) {
		pg_error_set("cannot create an SSH session");
		return -1;
	}
	libssh2_session_set_blocking(c->s, 1);
	libssh2_session_set_timeout(c->s, c->timeout_ms);
	/* Without the pin libssh2 1.10 prefers ecdsa, and an ed25519-only
	 * known_hosts then says NOTFOUND. */
	if (libssh2_session_method_pref(c->s, LIBSSH2_METHOD_HOSTKEY, "ssh-ed25519"))
		return ssh_fail(c, "cannot ask for an ssh-ed25519 host key");
	if (libssh2_session_handshake(c->s, c->sock)) {
		int code = libssh2_session_last_errno(c->s);

		if (code == LIBSSH2_ERROR_KEX_FAILURE || code == LIBSSH2_ERROR_METHOD_NONE) {
			c->broken = 1;
			return ssh_fail(c, "SSH handshake failed (the replica must offer an "
					   "ssh-ed25519 host key)");
		}
		c->broken = 1;
		return ssh_fail(c, "SSH handshake failed");
	}
	c->handshaken = 1;
	if (check_host_key(c) < 0)
		return -1;

	pg_buf_printf(&pub, "%s.pub", rc->key);
	if (access(pub.ptr, R_OK) == 0)
		pubpath = pub.ptr;	/* else libssh2 derives it from the private key */
	r = libssh2_userauth_publickey_fromfile(c->s, rc->user, pubpath, rc->key, NULL);
	if (r) {
		if (r == LIBSSH2_ERROR_AUTHENTICATION_FAILED ||
		    r == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED)
			snprintf(what, sizeof(what), "the replica refused the key %s for user %s "
				 "(is %s.pub in its authorized_keys?)", rc->key, rc->user, rc->key);
		else
			snprintf(what, sizeof(what), "public key authentication as %s with %s "
				 "failed", rc->user, rc->key);
		pg_buf_free(&pub);
		return ssh_fail(c, what);
	}
	pg_buf_free(&pub);

	c->sftp = libssh2_sftp_init(c->s);
	if (!c->sftp)
		return ssh_fail(c, "cannot start SFTP (is the sftp subsystem enabled?)");
	return 0;
}

/* Frees everything; says goodbye when the connection still works. */
static void conn_close(struct conn *c, int ok)
{
	/* After a transport failure every goodbye would wait for a timeout. */
	if (!ok && c->broken && c->sock >= 0)
		shutdown(c->sock, SHUT_RDWR);
	if (c->h)
		libssh2_sftp_close_handle(c->h);
	c->h = NULL;
	if (c->sftp)
		libssh2_sftp_shutdown(c->sftp);
	c->sftp = NULL;
	if (c->s) {
		if (c->handshaken && !c->broken)
			libssh2_session_disconnect_ex(c->s, c->bye_reason,
						      ok ? "bye" : "giving up", "");
		libssh2_session_free(c->s);
	}
	c->s = NULL;
	if (c->sock >= 0)
		close(c->sock);
	c->sock = -1;
}

int pg_replica_append(const struct pg_replica_cfg *rc, const char *data, size_t len)
{
	LIBSSH2_SFTP_ATTRIBUTES a;
	struct conn c;
	size_t off = 0;
	int ok = 0, r;

	if (conn_open(&c, rc) < 0)
		goto out;
	c.h = libssh2_sftp_open_ex(c.sftp, rc->path, (unsigned int)strlen(rc->path),
				   LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_APPEND,
				   0640, LIBSSH2_SFTP_OPENFILE);
	if (!c.h) {
		sftp_fail(&c, "cannot open");
		goto out;
	}
	/*
	 * OpenSSH's sftp-server honours APPEND and ignores the offset; a
	 * server that ignores APPEND writes at the offset, which is then
	 * the end of the file rather than its start.
	 */
	memset(&a, 0, sizeof(a));
	if (libssh2_sftp_fstat(c.h, &a)) {
		sftp_fail(&c, "cannot stat");
		goto out;
	}
	if (!(a.flags & LIBSSH2_SFTP_ATTR_SIZE)) {
		pg_error_set("%s port %d: the server does not say how long %s is",
			     rc->host, c.port, rc->path);
		goto out;
	}
	libssh2_sftp_seek64(c.h, a.filesize);
	while (off < len) {
		ssize_t n = libssh2_sftp_write(c.h, data + off, len - off);

		if (n <= 0) {
			if (n == 0)
				pg_error_set("%s port %d: cannot write to %s: nothing written",
					     rc->host, c.port, rc->path);
			else
				sftp_fail(&c, "cannot write to");
			goto out;
		}
		off += (size_t)n;
	}
	r = libssh2_sftp_close_handle(c.h);
	c.h = NULL;
	if (r) {
		sftp_fail(&c, "cannot close");
		goto out;
	}
	ok = 1;
out:
	conn_close(&c, ok);
	return ok ? 0 : -1;
}

int pg_replica_fetch(const struct pg_replica_cfg *rc, struct pg_buf *out)
{
	struct conn c;
	size_t start = out->len;
	char chunk[32768];
	int ret = -1, r;

	if (conn_open(&c, rc) < 0)
		goto out;
	c.h = libssh2_sftp_open_ex(c.sftp, rc->path, (unsigned int)strlen(rc->path),
				   LIBSSH2_FXF_READ, 0, LIBSSH2_SFTP_OPENFILE);
	if (!c.h) {
		unsigned long st = sftp_status(&c);

		if (st == LIBSSH2_FX_NO_SUCH_FILE || st == LIBSSH2_FX_NO_SUCH_PATH)
			ret = 1;
		else
			sftp_fail(&c, "cannot open");
		goto out;
	}
	for (;;) {
		ssize_t n = libssh2_sftp_read(c.h, chunk, sizeof(chunk));

		if (n < 0) {
			sftp_fail(&c, "cannot read");
			goto out;
		}
		if (n == 0)
			break;
		pg_buf_put(out, chunk, (size_t)n);
	}
	r = libssh2_sftp_close_handle(c.h);
	c.h = NULL;
	if (r) {
		sftp_fail(&c, "cannot close");
		goto out;
	}
	ret = 0;
out:
	if (ret != 0 && out->len > start) {
		out->len = start;
		out->ptr[start] = '\0';
	}
	conn_close(&c, ret >= 0);
	return ret;
}

/* ---- the queue ---- */

static size_t count_lines(const char *p, size_t len)
{
	size_t n = 0, i;

	for (i = 0; i < len; i++)
		n += p[i] == '\n';
	return n;
}

static const char *entries(size_t n)
{
	return n == 1 ? "entry" : "entries";
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_queue(int fd, const char *path, struct pg_buf *q)
{
	char chunk[65536];
	off_t off = 0;

	for (;;) {
		ssize_t n = pread(fd, chunk, sizeof(chunk), off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pg_error_set("cannot read the replica queue %s: %s", path, strerror(errno));
			return -1;
		}
		if (n == 0)
			return 0;
		pg_buf_put(q, chunk, (size_t)n);
		off += n;
	}
}

/* -1 with the message set, and in STATUS too. */
static int local_fail(struct pg_buf *status)
{
	if (status)
		pg_buf_printf(status, "replica: %s", pg_error_last());
	return -1;
}

int pg_replica_deliver(const struct pg_replica_cfg *rc, const char *queue_path,
		       const char *new_lines, size_t len, struct pg_buf *status)
{
	struct pg_buf q = PG_BUF_INIT, note = PG_BUF_INIT;
	size_t queued, keep, total;
	char *why = NULL;
	int fd, ret = -1;

	if (len && new_lines[len - 1] != '\n') {
		pg_error_set("replica: what is delivered must be complete lines");
		return local_fail(status);
	}
	fd = open(queue_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0) {
		pg_error_set("cannot open the replica queue %s: %s", queue_path, strerror(errno));
		return local_fail(status);
	}
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			pg_error_set("cannot lock the replica queue %s: %s", queue_path,
				     strerror(errno));
			goto fail;
		}
	}
	if (read_queue(fd, queue_path, &q) < 0)
		goto fail;

	/* A crash while queueing can leave half a line: never send it. */
	keep = q.len;
	while (keep && q.ptr[keep - 1] != '\n')
		keep--;
	if (keep < q.len) {
		if (ftruncate(fd, (off_t)keep) < 0 || fsync(fd) < 0) {
			pg_error_set("cannot cut the torn end off the replica queue %s: %s",
				     queue_path, strerror(errno));
			goto fail;
		}
		pg_buf_printf(&note, "replica: dropped a torn last line of %zu bytes from %s "
			      "(not sent; the local log has the entry)", q.len - keep,
			      queue_path);
		q.len = keep;
		q.ptr[keep] = '\0';
	}
	queued = count_lines(q.ptr, q.len);
	pg_buf_put(&q, new_lines, len);
	total = queued + count_lines(new_lines, len);

	if (q.len == 0 || pg_replica_append(rc, q.ptr, q.len) == 0) {
		if (queued && (ftruncate(fd, 0) < 0 || fsync(fd) < 0)) {
			pg_error_set("delivered %zu %s, but cannot empty the replica queue %s: "
				     "%s; its %zu %s will be sent again", total, entries(total),
				     queue_path, strerror(errno), queued, entries(queued));
			goto fail;
		}
		if (status) {
			pg_buf_put(status, note.ptr ? note.ptr : "", note.len);
			if (queued)
				pg_buf_printf(status, "%sreplica: delivered %zu %s, %zu of them "
					      "queued earlier", note.len ? "\n" : "", total,
					      entries(total), queued);
		}
		ret = 0;
		goto out;
	}

	why = pg_xstrdup(pg_error_last());
	if (len) {
		off_t end = lseek(fd, 0, SEEK_END);

		if (end < 0 || write_all(fd, new_lines, len) < 0 || fsync(fd) < 0) {
			int e = errno;

			if (end >= 0 && ftruncate(fd, end) == 0)
				fsync(fd);
			pg_error_set("cannot queue %zu %s for the replica in %s: %s (and the "
				     "replica failed: %s)", count_lines(new_lines, len),
				     entries(count_lines(new_lines, len)), queue_path,
				     strerror(e), why);
			goto fail;
		}
	}
	if (status) {
		pg_buf_put(status, note.ptr ? note.ptr : "", note.len);
		pg_buf_printf(status, "%sreplica: %zu %s queued: %s", note.len ? "\n" : "",
			      total, entries(total), why);
	}
	pg_error_set("%s", why);
	ret = 1;
	goto out;
fail:
	local_fail(status);
	ret = -1;
out:
	free(why);
	pg_buf_free(&q);
	pg_buf_free(&note);
	close(fd);	/* and the lock with it */
	return ret;
}
