#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "testkey.h"
#include "approval.h"
#include "buf.h"
#include "error.h"
#include "signers.h"
#include "sshsig.h"

#define KEY_A TEST_KEY_PRIV
#define PUB_A TEST_KEY_PUB

static char dir[PATH_MAX];
static git_repository *repo;
static git_oid c1, c2;
static struct pg_sshkey key;

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void make_commit(git_oid *out, const char *msg)
{
	git_signature *sig;
	git_treebuilder *tb;
	git_tree *tree;
	git_oid tid;

	assert_int_equal(git_signature_new(&sig, "T", "t@example.com", 1700000000, 0), 0);
	assert_int_equal(git_treebuilder_new(&tb, repo, NULL), 0);
	assert_int_equal(git_treebuilder_write(&tid, tb), 0);
	assert_int_equal(git_tree_lookup(&tree, repo, &tid), 0);
	assert_int_equal(git_commit_create(out, repo, NULL, sig, sig, NULL, msg, tree, 0, NULL), 0);
	git_tree_free(tree);
	git_treebuilder_free(tb);
	git_signature_free(sig);
}

static int setup(void **state)
{
	(void)state;
	git_libgit2_init();
	snprintf(dir, sizeof(dir), "%s/pg-approval-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(git_repository_init(&repo, dir, 1), 0);
	make_commit(&c1, "one");
	make_commit(&c2, "two");
	assert_int_equal(pg_sshkey_load_private_mem(&key, KEY_A, strlen(KEY_A)), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	git_repository_free(repo);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	pg_sshkey_clear(&key);
	git_libgit2_shutdown();
	return 0;
}

/* The note line for an approval of OF by the test key, signed in NAMESPACE. */
static void line_for(struct pg_buf *out, const git_oid *of, const char *namespace)
{
	struct pg_buf msg = PG_BUF_INIT, sig = PG_BUF_INIT;

	pg_approval_message(&msg, of);
	assert_int_equal(pg_sshsig_sign(&sig, &key, namespace, msg.ptr, msg.len), 0);
	assert_int_equal(pg_approval_line(out, of, sig.ptr, sig.len), 0);
	pg_buf_free(&msg);
	pg_buf_free(&sig);
}

static git_oid note(const git_oid *on, const char *text)
{
	git_signature *sig;
	git_oid noid, head;

	assert_int_equal(git_signature_new(&sig, "T", "t@example.com", 1700000000, 0), 0);
	assert_int_equal(git_note_create(&noid, repo, PG_APPROVALS_REF, sig, sig, on, text, 1), 0);
	git_signature_free(sig);
	assert_int_equal(git_reference_name_to_id(&head, repo, PG_APPROVALS_REF), 0);
	return head;
}

static struct pg_signers *signers(const char *text)
{
	struct pg_signers *s;

	assert_int_equal(pg_signers_parse(&s, "allowed_signers", text, strlen(text)), 0);
	return s;
}

static void test_message_and_line(void **state)
{
	struct pg_buf msg = PG_BUF_INIT, line = PG_BUF_INIT;
	char hex[41];

	(void)state;
	git_oid_tostr(hex, sizeof(hex), &c1);
	pg_approval_message(&msg, &c1);
	assert_int_equal(strncmp(msg.ptr, "pushgate approval\ncommit ", 25), 0);
	assert_int_equal(strncmp(msg.ptr + 25, hex, 40), 0);
	assert_string_equal(msg.ptr + 65, "\n");
	line_for(&line, &c1, PG_APPROVAL_NAMESPACE);
	/* One line: the word, the commit, the signature's base64 unwrapped. */
	assert_int_equal(strncmp(line.ptr, "approve ", 8), 0);
	assert_int_equal(strncmp(line.ptr + 8, hex, 40), 0);
	assert_int_equal(strchr(line.ptr, '\n') - line.ptr, (long)line.len - 1);
	assert_int_equal(strncmp(line.ptr + 49, "U1NIU0lH", 8), 0);	/* "SSHSIG" */
	pg_buf_reset(&line);
	assert_int_equal(pg_approval_line(&line, &c1, "not a signature", 15), -1);
	assert_int_equal(line.len, 0);
	pg_buf_free(&msg);
	pg_buf_free(&line);
}

static void test_user(void **state)
{
	char *u;

	(void)state;
	u = pg_approval_user("carol,carol@example.com");
	assert_string_equal(u, "carol");
	free(u);
	/* A pattern names nobody; the next item may. */
	u = pg_approval_user("*,dave@example.com");
	assert_string_equal(u, "dave@example.com");
	free(u);
	assert_null(pg_approval_user("*"));
	assert_null(pg_approval_user("a b"));
	assert_null(pg_approval_user(""));
}

static void test_read(void **state)
{
	struct pg_buf text = PG_BUF_INIT, good = PG_BUF_INIT, wrongns = PG_BUF_INIT,
		      other = PG_BUF_INIT;
	struct pg_signers *s = signers("alice,alice@example.com namespaces=\"git,pushgate-approval\" "
				       PUB_A "\n");
	struct pg_approvals a;
	git_oid head;

	(void)state;
	/* No notes ref, no note on the commit: none, and no error. */
	assert_int_equal(pg_approvals_read(&a, repo, NULL, &c1, s, 1700000000), 0);
	assert_int_equal(a.n + a.nbad, 0);
	line_for(&good, &c1, PG_APPROVAL_NAMESPACE);
	line_for(&wrongns, &c1, "git");
	line_for(&other, &c2, PG_APPROVAL_NAMESPACE);
	head = note(&c2, "approve x\n");
	assert_int_equal(pg_approvals_read(&a, repo, &head, &c1, s, 1700000000), 0);
	assert_int_equal(a.n + a.nbad, 0);
	pg_approvals_clear(&a);

	pg_buf_put(&text, good.ptr, good.len);
	pg_buf_put(&text, good.ptr, good.len);		/* the same key twice */
	pg_buf_put(&text, wrongns.ptr, wrongns.len);
	pg_buf_put(&text, other.ptr, other.len);	/* c2's approval copied onto c1 */
	pg_buf_puts(&text, "approve ");			/* ... and claiming to be c1's */
	pg_buf_put(&text, good.ptr + 8, 41);
	pg_buf_put(&text, other.ptr + 49, other.len - 49);
	pg_buf_puts(&text, "approve ");
	pg_buf_put(&text, good.ptr + 8, 41);
	pg_buf_puts(&text, "AAAA\n");
	pg_buf_puts(&text, "LGTM\n");
	head = note(&c1, text.ptr);
	assert_int_equal(pg_approvals_read(&a, repo, &head, &c1, s, 1700000000), 0);
	assert_int_equal(a.n, 1);
	assert_string_equal(a.list[0].who, "alice");
	assert_string_equal(a.list[0].principals, "alice,alice@example.com");
	assert_string_equal(a.list[0].fp, "SHA256:EfbCGq9tGqAWbjwGQgGDGlwVeXHKmRn5Xr7GeDv0xFc");
	assert_int_equal(a.nbad, 5);
	assert_non_null(strstr(a.bad[0], "is no approval (namespace \"git\")"));
	assert_non_null(strstr(a.bad[1], "an approval of another commit"));
	assert_non_null(strstr(a.bad[2], "SHA256:EfbCGq9tGqAWbjwGQgGDGlwVeXHKmRn5Xr7GeDv0xFc that does not verify"));
	assert_non_null(strstr(a.bad[3], "cannot be read"));
	assert_string_equal(a.bad[4], "a line that is not an approval");
	pg_approvals_clear(&a);

	/* The same note under a signers file that keeps the key to git. */
	pg_signers_free(s);
	s = signers("alice namespaces=\"git\" " PUB_A "\n");
	assert_int_equal(pg_approvals_read(&a, repo, &head, &c1, s, 1700000000), 0);
	assert_int_equal(a.n, 0);
	assert_non_null(strstr(a.bad[0], "which [core] signers does not allow"));
	pg_approvals_clear(&a);
	/* Or one where the key has expired by the time of the push. */
	pg_signers_free(s);
	s = signers("alice valid-before=\"20200101Z\" " PUB_A "\n");
	assert_int_equal(pg_approvals_read(&a, repo, &head, &c1, s, 1700000000), 0);
	assert_int_equal(a.n, 0);
	assert_non_null(strstr(a.bad[0], "expired"));
	pg_approvals_clear(&a);
	pg_signers_free(s);
	pg_buf_free(&text);
	pg_buf_free(&good);
	pg_buf_free(&wrongns);
	pg_buf_free(&other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_message_and_line, setup, teardown),
		cmocka_unit_test(test_user),
		cmocka_unit_test_setup_teardown(test_read, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
