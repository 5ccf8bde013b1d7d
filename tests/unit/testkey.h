/*
 * The unit tests' Ed25519 key, made once with OpenSSH 9.2:
 * ssh-keygen -t ed25519 -N '' -C pushgate-test -f key.  Test vectors
 * signed by it were made with that ssh-keygen and pasted into the tests.
 */
#ifndef PG_TEST_KEY_H
#define PG_TEST_KEY_H

static const char TEST_KEY_PRIV[] =
	"-----BEGIN OPENSSH PRIVATE KEY-----\n"
	"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
	"QyNTUxOQAAACCXUh25JsfJYbzeLO4VxcGvykW+KYUo0qrw85skd5T0qwAAAJCJqrdRiaq3\n"
	"UQAAAAtzc2gtZWQyNTUxOQAAACCXUh25JsfJYbzeLO4VxcGvykW+KYUo0qrw85skd5T0qw\n"
	"AAAECDEJsuzGIB4waOikdpsNZsua/Ae3hEtZigjuTyPl/CV5dSHbkmx8lhvN4s7hXFwa/K\n"
	"Rb4phSjSqvDzmyR3lPSrAAAADXB1c2hnYXRlLXRlc3Q=\n"
	"-----END OPENSSH PRIVATE KEY-----\n";
#define TEST_KEY_PUB \
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJdSHbkmx8lhvN4s7hXFwa/KRb4phSjSqvDzmyR3lPSr"
#define TEST_KEY_FP "SHA256:EfbCGq9tGqAWbjwGQgGDGlwVeXHKmRn5Xr7GeDv0xFc"

#endif
