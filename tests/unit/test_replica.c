/*
 * The replica's local side, without a network: the checks made before any
 * connection (configuration, key type, encrypted keys, known_hosts) and the
 * queue, which a configuration that cannot work fills just as a server
 * that is down does (no connection is made: every test fails before one).
 * Delivery itself is tested against a real sshd in
 * tests/e2e/t_replica.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "buf.h"
#include "error.h"
#include "replica.h"

static char tmpdir[PATH_MAX];

/* TMPDIR/NAME, in a static buffer (one of a few, used in turn). */
static const char *path_of(const char *name)
{
	static char bufs[6][PATH_MAX + NAME_MAX + 2];
	static int next;
	char *path = bufs[next++ % 6];

	snprintf(path, sizeof(bufs[0]), "%s/%s", tmpdir, name);
	return path;
}

static void write_file(const char *name, const char *text, size_t len)
{
	FILE *f = fopen(path_of(name), "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

#define WRITE(name, lit) write_file((name), (lit), strlen(lit))

static void read_into(const char *name, struct pg_buf *b)
{
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path_of(name), "r");

	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		pg_buf_put(b, chunk, n);
	fclose(f);
}

static void put_u32(struct pg_buf *b, uint32_t v)
{
	unsigned char c[4] = { v >> 24, v >> 16, v >> 8, v };

	pg_buf_put(b, c, 4);
}

static void put_str(struct pg_buf *b, const void *s, size_t len)
{
	put_u32(b, (uint32_t)len);
	pg_buf_put(b, s, len);
}

/*
 * An openssh-key-v1 file as far as the key type and cipher go; the rest
 * (the private part) is filler, which is all that is read before the
 * network.
 */
static void write_openssh_key(const char *name, const char *type, const char *cipher)
{
	struct pg_buf bin = PG_BUF_INIT, pub = PG_BUF_INIT, text = PG_BUF_INIT;
	unsigned char zeros[32] = { 0 };
	unsigned char *b64;
	int n;

	pg_buf_put(&bin, "openssh-key-v1", 15);	/* with its NUL */
	put_str(&bin, cipher, strlen(cipher));
	put_str(&bin, strcmp(cipher, "none") ? "bcrypt" : "none", strcmp(cipher, "none") ? 6 : 4);
	put_str(&bin, "", 0);
	put_u32(&bin, 1);
	put_str(&pub, type, strlen(type));
	put_str(&pub, zeros, sizeof(zeros));
	put_str(&bin, pub.ptr, pub.len);
	put_str(&bin, zeros, sizeof(zeros));
	b64 = malloc(bin.len * 2 + 4);
	assert_non_null(b64);
	n = EVP_EncodeBlock(b64, (const unsigned char *)bin.ptr, (int)bin.len);
	pg_buf_puts(&text, "-----BEGIN OPENSSH PRIVATE KEY-----\n");
	for (int i = 0; i < n; i += 70)
		pg_buf_printf(&text, "%.*s\n", n - i < 70 ? n - i : 70, (const char *)b64 + i);
	pg_buf_puts(&text, "-----END OPENSSH PRIVATE KEY-----\n");
	write_file(name, text.ptr, text.len);
	free(b64);
	pg_buf_free(&bin);
	pg_buf_free(&pub);
	pg_buf_free(&text);
}

static int setup_tmp(void **state)
{
	const char *base = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/pg-replica-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	WRITE("known_hosts", "");
	write_openssh_key("id_ed25519", "ssh-ed25519", "none");
	return 0;
}

static int teardown_tmp(void **state)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;

	(void)state;
	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlink(path_of(e->d_name));
	closedir(d);
	return rmdir(tmpdir);
}

/* A configuration that passes the local checks; each test breaks it locally. */
static struct pg_replica_cfg cfg(void)
{
	struct pg_replica_cfg rc = {
		.host = "127.0.0.1", .port = 1, .user = "pushgate",
		.key = path_of("id_ed25519"), .known_hosts = path_of("known_hosts"),
		.path = "/srv/pushgate/release.log", .timeout_ms = 2000,
	};

	return rc;
}

static void expect_append_error(const struct pg_replica_cfg *rc, const char *want)
{
	pg_error_clear();
	assert_int_equal(pg_replica_append(rc, "x\n", 2), -1);
	if (!strstr(pg_error_last(), want))
		fail_msg("error \"%s\", wanted \"%s\"", pg_error_last(), want);
}

static void test_incomplete_config(void **state)
{
	struct pg_replica_cfg rc = cfg();

	(void)state;
	rc.path = NULL;
	expect_append_error(&rc, "incomplete [replica] configuration");
	rc = cfg();
	rc.host = "";
	expect_append_error(&rc, "incomplete [replica] configuration");
	rc = cfg();
	rc.port = 70000;
	expect_append_error(&rc, "bad replica port 70000");
}

static void test_key_checks(void **state)
{
	struct pg_replica_cfg rc = cfg();

	(void)state;
	rc.key = path_of("missing");
	expect_append_error(&rc, "cannot read the replica key ");

	/* RSA, told by the .pub */
	write_openssh_key("id_a", "ssh-ed25519", "none");
	WRITE("id_a.pub", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ== a@b\n");
	rc.key = path_of("id_a");
	expect_append_error(&rc, "is an RSA key, which does not work");

	/* RSA, told by the private key alone: OpenSSH and PEM formats */
	write_openssh_key("id_b", "ssh-rsa", "none");
	rc.key = path_of("id_b");
	expect_append_error(&rc, "is an RSA key, which does not work");
	WRITE("id_c", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow==\n-----END RSA PRIVATE KEY-----\n");
	rc.key = path_of("id_c");
	expect_append_error(&rc, "is an RSA key, which does not work");

	write_openssh_key("id_d", "ssh-dss", "none");
	rc.key = path_of("id_d");
	expect_append_error(&rc, "is a DSA key");

	/* a passphrase: a hook cannot type it */
	write_openssh_key("id_e", "ssh-ed25519", "aes256-ctr");
	WRITE("id_e.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA== e@f\n");
	rc.key = path_of("id_e");
	expect_append_error(&rc, "is protected by a passphrase");
}

static void test_known_hosts_missing(void **state)
{
	struct pg_replica_cfg rc = cfg();

	(void)state;
	rc.known_hosts = path_of("no_known_hosts");
	expect_append_error(&rc, "cannot read known_hosts ");
	expect_append_error(&rc, "No such file or directory");
}

/* What cannot be delivered is queued, in order, and counted. */
static void test_queue_fills(void **state)
{
	struct pg_replica_cfg rc = cfg();
	struct pg_buf status = PG_BUF_INIT, q = PG_BUF_INIT;
	const char *queue = path_of("queue");
	struct stat st;
	mode_t old = umask(022);

	(void)state;
	rc.known_hosts = path_of("no_known_hosts");	/* fails before any traffic */
	assert_int_equal(pg_replica_deliver(&rc, queue, "{\"seq\":1}\n", 10, &status), 1);
	assert_non_null(strstr(pg_buf_cstr(&status), "replica: 1 entry queued: cannot read known_hosts "));
	assert_int_equal(stat(queue, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);

	pg_buf_reset(&status);
	assert_int_equal(pg_replica_deliver(&rc, queue, "{\"seq\":2}\n{\"seq\":3}\n", 20, &status), 1);
	assert_non_null(strstr(pg_buf_cstr(&status), "replica: 3 entries queued: "));

	/* a flush with nothing new still counts the backlog */
	pg_buf_reset(&status);
	assert_int_equal(pg_replica_deliver(&rc, queue, "", 0, &status), 1);
	assert_non_null(strstr(pg_buf_cstr(&status), "replica: 3 entries queued: "));

	/* NULL status is allowed */
	assert_int_equal(pg_replica_deliver(&rc, queue, "{\"seq\":4}\n", 10, NULL), 1);

	read_into("queue", &q);
	assert_string_equal(pg_buf_cstr(&q), "{\"seq\":1}\n{\"seq\":2}\n{\"seq\":3}\n{\"seq\":4}\n");
	umask(old);
	pg_buf_free(&status);
	pg_buf_free(&q);
}

/* Half a line left by a crash is cut off and never sent. */
static void test_queue_torn_tail(void **state)
{
	struct pg_replica_cfg rc = cfg();
	struct pg_buf status = PG_BUF_INIT, q = PG_BUF_INIT;

	(void)state;
	rc.known_hosts = path_of("no_known_hosts");
	WRITE("queue", "{\"seq\":1}\n{\"seq\":2,\"to");
	assert_int_equal(pg_replica_deliver(&rc, path_of("queue"), "{\"seq\":3}\n", 10, &status), 1);
	assert_non_null(strstr(pg_buf_cstr(&status), "replica: dropped a torn last line of 12 bytes"));
	assert_non_null(strstr(pg_buf_cstr(&status), "(not sent; the local log has the entry)\n"
			       "replica: 2 entries queued: "));
	assert_int_not_equal(status.ptr[status.len - 1], '\n');
	read_into("queue", &q);
	assert_string_equal(pg_buf_cstr(&q), "{\"seq\":1}\n{\"seq\":3}\n");
	pg_buf_free(&status);
	pg_buf_free(&q);
}

static void test_deliver_local_errors(void **state)
{
	struct pg_replica_cfg rc = cfg();
	struct pg_buf status = PG_BUF_INIT;

	(void)state;
	/* not a complete line */
	assert_int_equal(pg_replica_deliver(&rc, path_of("queue"), "{\"seq\":1}", 9, &status), -1);
	assert_non_null(strstr(pg_buf_cstr(&status), "replica: "));
	assert_non_null(strstr(pg_error_last(), "complete lines"));

	/* a queue that cannot be created */
	pg_buf_reset(&status);
	assert_int_equal(pg_replica_deliver(&rc, path_of("no/such/queue"), "x\n", 2, &status), -1);
	assert_non_null(strstr(pg_buf_cstr(&status), "replica: cannot open the replica queue "));

	/* nothing queued and nothing new: nothing to do, no connection */
	pg_buf_reset(&status);
	rc.known_hosts = path_of("no_known_hosts");
	assert_int_equal(pg_replica_deliver(&rc, path_of("empty_queue"), "", 0, &status), 0);
	assert_int_equal(status.len, 0);
	pg_buf_free(&status);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_incomplete_config, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_key_checks, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_known_hosts_missing, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_queue_fills, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_queue_torn_tail, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_deliver_local_errors, setup_tmp, teardown_tmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
