# nginx_lib.sh - a real nginx on 127.0.0.1 for integration tests (sourced,
# not a test itself). Its config, pid, logs and temp files live in a dir of
# the test's own; the server is one process (master_process off) so that a
# test can kill it outright, mid-transfer, with SIGKILL.

# nginx_start NAME ROOT [DIRECTIVES]: serve ROOT read-write (WebDAV PUT and
# DELETE, as a remote cache needs) with extra server DIRECTIVES (e.g.
# "limit_rate 64k;"); sets NGINX_PID and NGINX_URL. State in $T/NAME.
nginx_start() {
	_nd=$T/$1
	mkdir -p "$_nd/tmp" "$2"
	_np=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cat >"$_nd/nginx.conf" <<NGINX
daemon off;
master_process off;
pid $_nd/nginx.pid;
error_log $_nd/error.log;
events { worker_connections 64; }
http {
  access_log $_nd/access.log;
  client_body_temp_path $_nd/tmp;
  proxy_temp_path $_nd/tmp;
  fastcgi_temp_path $_nd/tmp;
  uwsgi_temp_path $_nd/tmp;
  scgi_temp_path $_nd/tmp;
  client_max_body_size 0;
  server {
    listen 127.0.0.1:$_np;
    root $2;
    dav_methods PUT DELETE;
    create_full_put_path on;
    dav_access user:rw group:r all:r;
    ${3:-}
  }
}
NGINX
	# (its own output to a file: a server holding the test's stdout open
	# would keep the test runner waiting after the test ended)
	nginx -c "$_nd/nginx.conf" -p "$_nd" >>"$_nd/error.log" 2>&1 </dev/null &
	NGINX_PID=$!
	NGINX_PIDS="${NGINX_PIDS:-} $NGINX_PID"
	trap 'nginx_stop_all; [ -n "${KEEP_T:-}" ] || rm -rf "$T"' EXIT
	NGINX_URL=http://127.0.0.1:$_np
	_i=0
	while ! curl -s -o /dev/null "$NGINX_URL/"; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ] || ! kill -0 "$NGINX_PID" 2>/dev/null; then
			echo "FAIL nginx: did not start: $(tail -3 "$_nd/error.log")"
			return 1
		fi
		sleep 0.05
	done
}

# nginx_stop [PID]: stop that server (default: the last one started).
nginx_stop() {
	_k=${1:-${NGINX_PID:-}}
	[ -n "$_k" ] && kill "$_k" 2>/dev/null && wait "$_k" 2>/dev/null
	return 0
}

# nginx_stop_all: every server this test started (also run on exit).
nginx_stop_all() {
	for _k in ${NGINX_PIDS:-}; do
		nginx_stop "$_k"
	done
	NGINX_PIDS=
}
