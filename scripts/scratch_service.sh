# Sourced by scripts that need the service running on a scratch data dir (fuzzing, screenshots).
# `start_scratch_service PORT [CLEANUP_DIR…]` starts it (on CAMPAIGNS_STORE when set), waits for its heartbeat, and stops it (and
# removes the data dir and the CLEANUP_DIRs) when the calling script exits.
start_scratch_service() {
    local port=$1
    shift
    scratch_data_dir=$(mktemp -d)
    scratch_cleanup=("$scratch_data_dir" "$@")
    export CAMPAIGNS_DATA_DIR="$scratch_data_dir" CAMPAIGNS_LOG_LEVEL=WARNING
    # CAMPAIGNS_STORE, when set (a MongoDB), is used as it is: its collections and indexes first.
    uv run --locked campaigns db init >/dev/null
    uv run --locked campaigns serve --port "$port" &
    scratch_server=$!
    trap 'kill "$scratch_server" 2>/dev/null; wait "$scratch_server" 2>/dev/null; rm -rf "${scratch_cleanup[@]}"' EXIT
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$port/heartbeat" >/dev/null && return 0
        sleep 0.2
    done
    echo "the service did not answer on port $port" >&2
    return 1
}
