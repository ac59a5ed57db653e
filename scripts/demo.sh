#!/usr/bin/env bash
# Runs the whole product on this machine: the cloud API on the embedded
# defaults (SQLite and file storage in ./data), a super-administrator, a demo
# store, a device token for it, and the desktop agent watching ./demo-backups
# with that device token. Ctrl-C stops both.
# Reuses ./data and its admin and device tokens on later runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh

if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi

export DATA_DIR="$PWD/data"
export HOST="${HOST:-127.0.0.1}"
export PORT="${PORT:-8080}"
backups_dir="$PWD/demo-backups"
token_file="$DATA_DIR/demo-admin-token"
device_token_file="$DATA_DIR/demo-device-token"
server_log="$DATA_DIR/demo-server.log"
cli=(node packages/cli/bin/backup-sync.ts)
mkdir -p "$DATA_DIR" "$backups_dir"

server_pid=""
agent_pid=""
stop_all() {
  trap - INT TERM EXIT
  [ -n "$agent_pid" ] && kill -TERM "$agent_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop_all INT TERM EXIT

# The server logs to a file. Its line "Server listening on URL" shows that it is ready.
LC_ALL=en_US.UTF-8 "${cli[@]}" serve >"$server_log" 2>&1 &
server_pid=$!
api_url=""
for _ in $(seq 1 100); do
  api_url="$(sed -n 's/^Server listening on \(http[^ ]*\)$/\1/p' "$server_log" | head -n 1)"
  [ -n "$api_url" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    cat "$server_log" >&2
    exit 1
  fi
  sleep 0.2
done
if [ -z "$api_url" ]; then
  echo "backup-sync serve did not start within 20 s; see $server_log" >&2
  exit 1
fi

# A token kept from an earlier run stays valid while ./data is kept.
if [ ! -s "$token_file" ] || ! BACKUP_SYNC_API="$api_url" BACKUP_SYNC_TOKEN="$(cat "$token_file")" "${cli[@]}" stores list >/dev/null 2>&1; then
  (umask 077 && "${cli[@]}" admin create-superadmin --email admin@demo.local --json 2>/dev/null \
    | sed 's/^{"token":"\(.*\)"}$/\1/' >"$token_file")
  chmod 600 "$token_file"
fi
export BACKUP_SYNC_API="$api_url"
BACKUP_SYNC_TOKEN="$(cat "$token_file")"
export BACKUP_SYNC_TOKEN

if ! "${cli[@]}" stores list | cut -f1 | grep -qx demo; then
  "${cli[@]}" stores create --id demo --name "Tienda demo"
fi

# The agent runs with a device token of the store "demo", which may only upload
# that store's backups: a stolen desktop cannot list, download or delete anything.
# A kept token is reused while its device is listed and not revoked.
device_id_of() { sed -n 's/^{"id":"\([^"]*\)","token":"[^"]*"}$/\1/p' "$device_token_file"; }
if [ ! -s "$device_token_file" ] || ! LC_ALL=en_US.UTF-8 "${cli[@]}" devices list --store demo | grep -q "^$(device_id_of)	.*	active	"; then
  (umask 077 && "${cli[@]}" devices create --store demo --name "Caja demo" --json >"$device_token_file")
  chmod 600 "$device_token_file"
fi
device_token="$(sed -n 's/^{"id":"[^"]*","token":"\([^"]*\)"}$/\1/p' "$device_token_file")"

BACKUP_SYNC_TOKEN="$device_token" "${cli[@]}" agent --store demo --dir "$backups_dir" &
agent_pid=$!

cat <<TEXT

================================================================================
 cloud-backup-sync — demo
================================================================================
 ES  Copie un archivo .zip en:      $backups_dir
     El agente lo sube a los pocos segundos (y revisa la carpeta cada 15 minutos).
 EN  Copy a .zip file into:         $backups_dir
     The agent uploads it within seconds (and rescans the folder every 15 minutes).

 API:                               $api_url
 Token de administrador / admin token (guardado en / kept in $token_file):
     $BACKUP_SYNC_TOKEN
 ES  El agente usa un token de dispositivo de la tienda demo ($device_token_file).
 EN  The agent uses a device token of the store demo ($device_token_file).

 ES  Listar los backups / EN  List the backups:
     curl -s -H "Authorization: Bearer \$(cat $token_file)" $api_url/api/cloud-backups

 ES  Restaurar el más reciente / EN  Restore the newest one:
     BACKUP_SYNC_API=$api_url BACKUP_SYNC_TOKEN=\$(cat $token_file) \\
       npx backup-sync restore --store demo --latest --to ./restaurado

 ES  Ctrl-C detiene el servidor y el agente.  EN  Ctrl-C stops the server and the agent.
================================================================================

TEXT

# Returns when either process ends (Ctrl-C, or a crash); the EXIT trap stops the other.
wait -n "$agent_pid" "$server_pid" || true
