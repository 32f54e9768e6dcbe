# phpeek-pm %post: make systemd see the unit; a first install applies the distribution's preset
# (enabled or not is the distribution's policy) but starts nothing.
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || :
  if [ "$1" -eq 1 ]; then
    systemctl --no-reload preset phpeek-pm.service >/dev/null 2>&1 || :
  fi
fi
