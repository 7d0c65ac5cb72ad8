/* test_vulnid.c - vulnerability ids, OpenVEX justifications, CPE 2.3 and
 * purl, by their published grammars. */
#include "t.h"
#include "vulnid.h"

TEST(vuln_ids)
{
	const char *ok[] = {"CVE-2024-3094",	   "CVE-1999-0001", "CVE-2021-44228",
			    "CVE-2023-1234567",	   "GHSA-jfh8-c2jp-5v3q", "GHSA-2222-xxxx-wwww",
			    "KRILL-2026-1",	   "KRILL-2031-417"};
	const char *no[] = {"",
			    "CVE-26-1",
			    "CVE-2024-123",
			    "CVE-2024-01234",
			    "CVE-1998-0001",
			    "cve-2024-3094",
			    "CVE-2024-3094 ",
			    "CVE-2024-",
			    "CVE-2024-30x4",
			    "GHSA-jfh8-c2jp-5v3",
			    "GHSA-jfh8-c2jp-5v3qq",
			    "GHSA-JFH8-C2JP-5V3Q",
			    "GHSA-abcd-c2jp-5v3q",
			    "GHSA-jfh8_c2jp-5v3q",
			    "KRILL-2026-0",
			    "KRILL-2026-01",
			    "KRILL-2024-1",
			    "KRILL-26-1",
			    "OSV-2026-1",
			    "RHSA-2024:1234"};
	const char *why = NULL;
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
		CHECK(vuln_id_valid(ok[i], NULL));
	for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
		CHECK(!vuln_id_valid(no[i], &why));
		CHECK(why && strstr(why, "-"));
		if (t_failed)
			printf("  at '%s'\n", no[i]);
	}
	vuln_id_valid("GHSA-x", &why);
	CHECK(strstr(why, "23456789cfghjmpqrvwx"));
}

TEST(justifications)
{
	CHECK(vex_justification_valid("component_not_present"));
	CHECK(vex_justification_valid("vulnerable_code_not_present"));
	CHECK(vex_justification_valid("vulnerable_code_not_in_execute_path"));
	CHECK(vex_justification_valid("vulnerable_code_cannot_be_controlled_by_adversary"));
	CHECK(vex_justification_valid("inline_mitigations_already_exist"));
	CHECK(!vex_justification_valid("not_affected"));
	CHECK(!vex_justification_valid("Component_not_present"));
	CHECK(!vex_justification_valid(""));
}

TEST(cpe23)
{
	const char *ok[] = {
		"cpe:2.3:a:gnu:bash:5.3:*:*:*:*:*:*:*",
		"cpe:2.3:a:haxx:curl:8.21.0:*:*:*:*:*:*:*",
		"cpe:2.3:o:linux:linux_kernel:7.1.8:*:*:*:*:*:*:*",
		"cpe:2.3:a:facebook:zstandard:1.5.7:-:*:*:*:*:*:*",
		"cpe:2.3:a:iana:tzdata:2026c:*:*:*:*:*:*:*",
		"cpe:2.3:a:example:a\\:b:1.0:*:*:*:*:*:*:*",
		"cpe:2.3:h:cisco:ios:1.*:*:*:en-us:*:*:x86:*",
		"cpe:2.3:a:vendor:product:?.1:*:*:*:*:*:*:*",
	};
	const char *no[] = {
		"",
		"cpe:/a:gnu:bash:5.3",
		"cpe:2.3:a:gnu:bash:5.3:*:*:*:*:*:*",
		"cpe:2.3:a:gnu:bash:5.3:*:*:*:*:*:*:*:*",
		"cpe:2.3:x:gnu:bash:5.3:*:*:*:*:*:*:*",
		"cpe:2.3:a:*:bash:5.3:*:*:*:*:*:*:*",
		"cpe:2.3:a:gnu:-:5.3:*:*:*:*:*:*:*",
		"cpe:2.3:a:GNU:bash:5.3:*:*:*:*:*:*:*",
		"cpe:2.3:a:gnu:bash:5 3:*:*:*:*:*:*:*",
		"cpe:2.3:a:gnu:bash::*:*:*:*:*:*:*",
		"cpe:2.3:a:gnu:bash:5.*3:*:*:*:*:*:*:*",
		"cpe:2.3:a:gnu:bash:5.3:*:*:*:*:*:*:*\\",
		"cpe:2.3:a:gnu:ba\\sh:5.3:*:*:*:*:*:*:*",
		"cpe:2.3:a:gnu:bash:**:*:*:*:*:*:*:*",
	};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		CHECK(cpe23_valid(ok[i], NULL));
		if (t_failed) {
			printf("  at '%s'\n", ok[i]);
			return;
		}
	}
	for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
		const char *why = NULL;
		CHECK(!cpe23_valid(no[i], &why) && why && strstr(why, "cpe:2.3:PART"));
		if (t_failed) {
			printf("  at '%s'\n", no[i]);
			return;
		}
	}
}

TEST(purl)
{
	const char *ok[] = {
		"pkg:generic/bash@5.3",
		"pkg:github/madler/zlib@v1.3.2",
		"pkg:deb/debian/ca-certificates@20250419",
		"pkg:generic/krill/zlib@1.3.2-r1?arch=x86_64",
		"pkg:generic/openssl@3.5.7?download_url=https:%2F%2Fexample.org%2Fo.tgz",
		"pkg:deb/debian/bash?arch=source&file_name=bash_5.3.orig.tar.xz",
		"pkg:github/a/b@1.0#src/lib",
		"pkg:generic/zstd@1.5.7%2Bdfsg",
	};
	const char *no[] = {
		"",
		"pkg:",
		"pkg:generic",
		"pkg:generic/",
		"pkg:Generic/bash@5.3",
		"pkg:1x/bash",
		"pkg:generic/bash@",
		"pkg:generic/ba sh@5.3",
		"pkg:generic/bash@5.3+dfsg",
		"pkg:generic//bash",
		"pkg:generic/a/@1",
		"pkg:generic/bash@5.3?",
		"pkg:generic/bash@5.3?arch",
		"pkg:generic/bash@5.3?Arch=x",
		"pkg:generic/bash@5.3?b=1&a=2",
		"pkg:generic/bash@5.3?a=1&a=2",
		"pkg:generic/bash@5.3?a=",
		"pkg:generic/bash@5.3?a=1&",
		"pkg:generic/bash@%4",
		"pkg:generic/bash@%zz",
		"pkg:generic/bash#",
		"pkg:generic/bash#a/../b",
		"pkg:generic/bash#a/",
		"http://example.org/bash",
	};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		CHECK(purl_valid(ok[i], NULL));
		if (t_failed) {
			printf("  at '%s'\n", ok[i]);
			return;
		}
	}
	for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
		const char *why = NULL;
		CHECK(!purl_valid(no[i], &why) && why && strstr(why, "pkg:TYPE"));
		if (t_failed) {
			printf("  at '%s'\n", no[i]);
			return;
		}
	}
}

int main(void)
{
	RUN(vuln_ids);
	RUN(justifications);
	RUN(cpe23);
	RUN(purl);
	DONE();
}
