# Sourced by the stop-and-resume scripts: stop a program running in the
# background once it has saved enough.
#
#   stop_when_saved PID SIGNAL FOLDER PATTERN AT_LEAST WHAT
# waits (a minute at most) until FOLDER holds AT_LEAST files whose names end
# in PATTERN, sends SIGNAL to PID and waits for it; sets `code` to its exit
# status and `saved` to the files then in FOLDER. WHAT names a file in messages.

count_saved() { ls "$1" 2>/dev/null | grep -c "$2\$" || true; }

stop_when_saved() {
    tries=0
    while [ "$(count_saved "$3" "$4")" -lt "$5" ]; do
        tries=$((tries + 1))
        if [ "$tries" -gt 6000 ]; then
            kill -9 "$1" 2>/dev/null || true
            echo "FAIL: no $6 was kept within a minute"
            exit 1
        fi
        sleep 0.01
    done
    kill -s "$2" "$1"
    code=0
    wait "$1" 2>/dev/null || code=$?
    saved=$(count_saved "$3" "$4")
}

#   stop_when_written PID SIGNAL FILE WHAT
# the same, once FILE exists and is not empty.
stop_when_written() {
    tries=0
    while [ ! -s "$3" ]; do
        tries=$((tries + 1))
        if [ "$tries" -gt 6000 ]; then
            kill -9 "$1" 2>/dev/null || true
            echo "FAIL: no $4 was kept within a minute"
            exit 1
        fi
        sleep 0.01
    done
    kill -s "$2" "$1"
    code=0
    wait "$1" 2>/dev/null || code=$?
}
