/*
 * tests/unit/config.c -- configuration sources, precedence and checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

static void
defaults_are_usable(void **state)
{
	config c;
	char err[256];

	(void)state;
	config_init(&c);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_string_equal(c.database, "./var/abusedesk.db");
	assert_int_equal(c.max_body_bytes, 16u << 20);
	assert_int_equal(config_finish(&c, err, sizeof(err)), 0);
	config_cleanup(&c);
}

static void
file_then_env_then_flag(void **state)
{
	config c;
	char path[] = "/tmp/abusedesk-config-XXXXXX", err[256];
	int fd = mkstemp(path);
	static const char text[] = "# comment\nlisten = 127.0.0.1:9000\n database = \"/tmp/x.db\"  # trailing\n"
	    "max-body-bytes = 1M\nscope_prefixes = 8.8.0.0/16, 2001:4860::/32\nscope_domains = .Example.NET\n";
	char *env[] = {"ABUSEDESK_LISTEN=127.0.0.1:9001", "OTHER=1", "ABUSEDESK_CONFIG=ignored", NULL};

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	close(fd);
	config_init(&c);
	assert_int_equal(config_load_file(&c, path, err, sizeof(err)), 0);
	assert_string_equal(c.listen, "127.0.0.1:9000");
	assert_string_equal(c.database, "/tmp/x.db");
	assert_int_equal(c.max_body_bytes, 1u << 20);
	assert_int_equal(config_load_env(&c, env, err, sizeof(err)), 0);
	assert_string_equal(c.listen, "127.0.0.1:9001");
	assert_int_equal(config_set(&c, "listen", "[::1]:0", err, sizeof(err)), 0);
	assert_int_equal(config_finish(&c, err, sizeof(err)), 0);
	assert_int_equal(c.n_prefixes, 2);
	assert_int_equal(c.n_domains, 1);
	assert_string_equal(c.domains[0], "example.net");
	config_cleanup(&c);
	unlink(path);
}

static void
mistakes_are_named_with_their_place(void **state)
{
	config c;
	char path[] = "/tmp/abusedesk-config-XXXXXX", err[256];
	int fd = mkstemp(path);
	static const char text[] = "listen = 127.0.0.1:9000\n\nlisen = 1\n";

	(void)state;
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	close(fd);
	config_init(&c);
	assert_int_equal(config_load_file(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":3: unknown setting 'lisen'"));
	assert_int_equal(config_set(&c, "threads", "0", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "outside"));
	assert_int_equal(config_set(&c, "threads", "2M", err, sizeof(err)), -1);
	assert_int_equal(config_set(&c, "max_body_bytes", "lots", err, sizeof(err)), -1);
	assert_int_equal(config_set(&c, "access_log", "maybe", err, sizeof(err)), -1);
	assert_int_equal(config_set(&c, "listen", "nonsense", err, sizeof(err)), 0);
	assert_int_equal(config_finish(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "host:port"));
	config_cleanup(&c);
	config_init(&c);
	assert_int_equal(config_set(&c, "scope_prefixes", "10.0.0.1/8", err, sizeof(err)), 0);
	assert_int_equal(config_finish(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "scope_prefixes"));
	config_cleanup(&c);
	config_init(&c);
	assert_int_equal(config_set(&c, "max_inflight_bytes", "2K", err, sizeof(err)), 0);
	assert_int_equal(config_finish(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "max_inflight_bytes"));
	config_cleanup(&c);
	assert_int_equal(config_load_file(&c, "/nonexistent/abusedesk.conf", err, sizeof(err)), -1);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_usable),
		cmocka_unit_test(file_then_env_then_flag),
		cmocka_unit_test(mistakes_are_named_with_their_place),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
