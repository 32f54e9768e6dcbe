# phpeek-pm %preun: on erase (not upgrade) stop the service and its processes, then disable it.
if [ "$1" -eq 0 ] && [ -d /run/systemd/system ]; then
  systemctl --no-reload disable --now phpeek-pm.service >/dev/null 2>&1 || :
fi
