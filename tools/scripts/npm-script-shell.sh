#!/usr/bin/env bash
# npm runs scripts and npx commands as `<script-shell> -c "<command>"`. The shell builtin `jobs` would
# shadow the project's own `jobs` command (`npx jobs submit …`), so this shell switches it off first.
if [ "$1" = "-c" ]; then
  exec /usr/bin/env bash -c "enable -n jobs
$2" "${@:3}"
fi
exec /usr/bin/env bash "$@"
