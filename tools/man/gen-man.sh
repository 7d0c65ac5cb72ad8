#!/bin/sh
# gen-man.sh KRILL OUTDIR - write krill.1 and krill-VERB.1 for every verb
# from the binary's own help text (`krill help`, `krill help VERB`), so the
# pages can never disagree with the tool. Run by make (mk/man.mk).
set -eu
krill=$1
out=$2
mkdir -p "$out"
ver=$("$krill" --version | sed 's/^krill //')

# roff-escape: backslashes, and lines starting with . or '
esc() { sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"; }

verbs=$("$krill" help | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p')

for v in $verbs; do
	summary=$("$krill" help | sed -n "s/^  $v  *//p" | esc)
	up=$(echo "$v" | tr a-z A-Z)
	tmp=$out/krill-$v.1.tmp
	{
		echo ".TH KRILL-$up 1 \"\" \"krill $ver\" \"Krill Manual\""
		echo ".SH NAME"
		echo "krill\\-$v \\- $summary"
		echo ".SH SYNOPSIS"
		echo ".nf"
		"$krill" help "$v" | sed -n '/^usage: /,/^$/p' | sed -e 's/^usage: //' -e '/^$/d' | esc
		echo ".fi"
		echo ".SH DESCRIPTION"
		echo ".nf"
		"$krill" help "$v" | sed '1,/^$/d' | esc
		echo ".fi"
		echo ".SH SEE ALSO"
		echo ".BR krill (1)"
	} >"$tmp"
	mv "$tmp" "$out/krill-$v.1"
done

tmp=$out/krill.1.tmp
{
	echo ".TH KRILL 1 \"\" \"krill $ver\" \"Krill Manual\""
	echo ".SH NAME"
	echo "krill \\- build, sign, verify and install Krill packages"
	echo ".SH SYNOPSIS"
	echo ".nf"
	echo "krill VERB [OPTIONS] [ARGS]"
	echo "krill help [VERB]"
	echo "krill \\-\\-version"
	echo ".fi"
	echo ".SH DESCRIPTION"
	echo "One binary with one verb per source file. Each verb has its own page,"
	echo ".BR krill\\-VERB (1),"
	echo "the same text as"
	echo ".BR \"krill help VERB\" ."
	echo ".SH VERBS"
	for v in $verbs; do
		echo ".TP 9"
		echo ".B $v"
		"$krill" help | sed -n "s/^  $v  *//p" | esc
	done
	echo ".SH EXIT STATUS"
	echo "0 success, 1 failure (each problem printed as path:line:col: what is wrong,"
	echo "what was expected), 2 usage error."
	echo ".SH SEE ALSO"
	first=1
	for v in $verbs; do
		[ $first = 1 ] || echo ","
		printf '.BR krill\\-%s (1)' "$v"
		first=0
	done
	echo
} >"$tmp"
mv "$tmp" "$out/krill.1"
