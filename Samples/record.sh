#!/usr/bin/env bash
# Record the osiscope sample captures again, from scratch, from real programs.
#
#   sudo Samples/record.sh /tmp/new-samples                    # all samples, into /tmp/new-samples
#   sudo Samples/record.sh /tmp/new-samples websocket-plain    # only these
#   sudo Samples/record.sh --into-samples websocket-plain      # replace the committed ones in Samples/
#
# Run with -h for the options. The new captures, their NAME.expected.json and
# recorded-with.txt go to the output folder; Samples/ is written only with
# --into-samples. The NAME.md notes are not generated: they describe the
# committed recording (frame numbers included) and are edited by hand.
#
# The Python peers (websockets, aiohttp, python-socketio) run from a virtual
# environment with the exact versions of Samples/peers/requirements.txt, which
# this script creates or updates (the only step that needs the network, PyPI).
# socketio-v3's peers (python-socketio 4.x, Engine.IO v3) run from a second one
# with the versions of Samples/peers/requirements-v3.txt, made only when that
# sample is recorded.
#
# socketio-browser's client is a real browser: headless Chromium (Debian package
# chromium) loading peers/browser_page.html, which uses the official socket.io
# JavaScript client. That script is not part of the repository: it is the
# nicegui/static/socket.io.min.js of the PyPI package nicegui (pinned below, with
# the script's sha256), downloaded with pip at recording time (or named by
# $SOCKETIO_CLIENT_JS) and served by the sample's server with the page.
#
# Every sample is recorded in its own, fresh private network namespace
# ("osiscope-rec"), so a capture holds only the sample's own traffic and no
# TIME_WAIT or other state is left over from an earlier run. Inside it:
#   - lo's MTU is set to 1500 and TSO/GSO/GRO are turned off, so the kernel cuts
#     big writes into segments of at most 1448 payload bytes (with timestamps)
#     like a real Ethernet path, instead of 64 KB "super segments";
#   - server and client ports are fixed where the program allows it.
# A capture is stopped with SIGINT and waited for (so the last packets are
# flushed) only after the peers have finished and the server has shut down, so
# every TCP connection is complete from SYN to FIN. Files are written to a
# temporary directory, checked with Samples/verify.py (tshark), given their
# capture facts (verify.py capture-facts: the packet numbers and counts the tests
# read from NAME.expected.json), and only then copied to the output folder; a
# failed run writes nothing there.
#
# Needs: root, ip (iproute2), ss, ethtool, tcpdump, dumpcap/tshark/capinfos
# (Debian package tshark), curl, python3 with the venv module (Debian package
# python3-venv for the system Python); for socketio-browser, chromium. Exits
# non-zero on any failure.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PEERS=$HERE/peers
REQS=$PEERS/requirements.txt
REQS_V3=$PEERS/requirements-v3.txt
NS=osiscope-rec
ALL=(http-keepalive websocket-plain websocket-deflate websocket-ipv6 socketio-upgrade
     socketio-polling socketio-websocket socketio-broadcast socketio-v3 socketio-browser
     update-reload update-short-polling update-long-polling update-websocket websocket-duplex)
declare -A FILE=(
    [http-keepalive]=http-keepalive.pcap
    [websocket-plain]=websocket-plain.pcapng
    [websocket-deflate]=websocket-deflate.pcap
    [websocket-ipv6]=websocket-ipv6.pcap
    [socketio-upgrade]=socketio-upgrade.pcapng
    [socketio-polling]=socketio-polling.pcapng
    [socketio-websocket]=socketio-websocket.pcapng
    [socketio-broadcast]=socketio-broadcast.pcapng
    [socketio-v3]=socketio-v3.pcapng
    [socketio-browser]=socketio-browser.pcapng
    [update-reload]=update-reload.pcapng
    [update-short-polling]=update-short-polling.pcapng
    [update-long-polling]=update-long-polling.pcapng
    [update-websocket]=update-websocket.pcapng
    [websocket-duplex]=websocket-duplex.pcapng
)
# socketio-browser's socket.io client script: nicegui/static/socket.io.min.js of this
# nicegui wheel, which must have this sha256 (the script's header: "Socket.IO v4.8.1").
NICEGUI_VERSION=3.18.0
SOCKETIO_CLIENT_VERSION=4.8.1
SOCKETIO_CLIENT_SHA256=b0e735814f8dcfecd6cdb8a7ce95a297a7e1e5f2727a29e6f5901801d52fa0c5

die() { echo "record.sh: $*" >&2; exit 1; }
log() { echo "== $*" >&2; }

usage() {
    cat <<USAGE
usage: Samples/record.sh [options] OUT_DIR [SAMPLE...]
       Samples/record.sh [options] --into-samples [SAMPLE...]

Records the sample captures again (all of them, or only the SAMPLEs named) and
writes each capture, its NAME.expected.json and recorded-with.txt into OUT_DIR,
which is created if needed. Samples/ itself is written only with --into-samples.
Must run as root. Samples: ${ALL[*]}.

options:
  --into-samples  write into Samples/, replacing the committed captures and
                  expected.json files of the samples recorded (no OUT_DIR then);
                  the tests, golden files and NAME.md notes then need review
  --force         allow an OUT_DIR that is not empty (files of the samples
                  recorded are replaced there, others are left)
  --venv DIR      virtual environment for the Python peers, created (with
                  \$PYTHON, default python3) and given the pinned versions of
                  Samples/peers/requirements.txt if it lacks them
                  (default: $DEFAULT_VENV)
  --venv-v3 DIR   the same for socketio-v3's peers and the pins of
                  Samples/peers/requirements-v3.txt (default: $DEFAULT_VENV_V3)
  --no-install    install nothing: use python3 from PATH as it is; it must have
                  exactly the pinned versions (socketio-v3: the interpreter
                  named by \$PYTHON_V3, with the pins of requirements-v3.txt)
  -h, --help      this help

socketio-browser needs chromium (apt-get install chromium) and the socket.io
client script $SOCKETIO_CLIENT_VERSION of the nicegui $NICEGUI_VERSION wheel, which it
downloads with pip (PyPI) unless \$SOCKETIO_CLIENT_JS names a copy of that file
(sha256 $SOCKETIO_CLIENT_SHA256).

OUT_DIR may not be Samples/ or a folder inside it (the tests read every capture
under Samples/). Compare a new recording with the committed one, for example:
  python3 Samples/verify.py check OUT_DIR/websocket-plain.pcapng Samples/websocket-plain.expected.json
  diff Samples/http-keepalive.expected.json OUT_DIR/http-keepalive.expected.json
USAGE
}

# ---------------------------------------------------------------- arguments

INTO_SAMPLES=0 FORCE=0 NO_INSTALL=0
DEFAULT_VENV=${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/osiscope/record-venv
DEFAULT_VENV_V3=$DEFAULT_VENV-v3
VENV=$DEFAULT_VENV
VENV_V3=$DEFAULT_VENV_V3
ARGS=()
while [[ $# -gt 0 ]]; do
    case $1 in
        -h | --help) usage; exit 0 ;;
        --into-samples) INTO_SAMPLES=1 ;;
        --force) FORCE=1 ;;
        --no-install) NO_INSTALL=1 ;;
        --venv)
            [[ $# -ge 2 && -n $2 ]] || { usage >&2; die "--venv needs a folder"; }
            VENV=$2
            shift
            ;;
        --venv=*) VENV=${1#--venv=} ;;
        --venv-v3)
            [[ $# -ge 2 && -n $2 ]] || { usage >&2; die "--venv-v3 needs a folder"; }
            VENV_V3=$2
            shift
            ;;
        --venv-v3=*) VENV_V3=${1#--venv-v3=} ;;
        --) shift; ARGS+=("$@"); break ;;
        -*) usage >&2; die "unknown option: $1" ;;
        *) ARGS+=("$1") ;;
    esac
    shift
done

if ((INTO_SAMPLES)); then
    DEST=$HERE
    WANT=("${ARGS[@]}")
else
    [[ ${#ARGS[@]} -gt 0 ]] || { usage >&2; die "no OUT_DIR given (or --into-samples to write into Samples/)"; }
    OUT_ARG=${ARGS[0]}
    WANT=("${ARGS[@]:1}")
    # The old command line was "record.sh [SAMPLE...]": don't take a sample name for a folder.
    [[ -n ${FILE[$OUT_ARG]:-} && ! -d $OUT_ARG ]] \
        && die "'$OUT_ARG' is a sample name; give OUT_DIR first (record.sh OUT_DIR $OUT_ARG), or --into-samples"
    DEST=$(realpath -m -- "$OUT_ARG")
    [[ $DEST != "$HERE" ]] || die "OUT_DIR is Samples/ itself: use --into-samples to replace the committed samples"
    [[ $DEST != "$HERE"/* ]] || die "OUT_DIR may not be inside Samples/ (the tests read every capture under it)"
    [[ ! -e $DEST || -d $DEST ]] || die "OUT_DIR $DEST exists and is not a folder"
    if [[ -d $DEST && -n $(ls -A -- "$DEST") ]] && ((!FORCE)); then
        die "OUT_DIR $DEST is not empty (--force to write into it anyway)"
    fi
fi
[[ ${#WANT[@]} -gt 0 ]] || WANT=("${ALL[@]}")
for name in "${WANT[@]}"; do
    [[ -n ${FILE[$name]:-} ]] || die "unknown sample '$name' (known: ${ALL[*]})"
done

# ---------------------------------------------------------------- tools, Python peers

[[ $EUID -eq 0 ]] || die "must run as root (network namespaces, packet capture)"
for tool in ip ss ethtool tcpdump dumpcap tshark capinfos curl timeout; do
    command -v "$tool" >/dev/null || die "missing tool: $tool"
done

# check_pins PY [REQS]: PY has every package of REQS (default requirements.txt)
# at exactly its pinned version, and the peers import. Names what differs on
# standard error.
check_pins() {
    "$1" - "${2:-$REQS}" <<'PYTHON'
import importlib.metadata as metadata
import sys

wrong = []
for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    name, sep, want = (part.strip() for part in line.partition("=="))
    if not sep:
        sys.exit(f"requirements.txt: not an exact pin: {line}")
    try:
        have = metadata.version(name)
    except metadata.PackageNotFoundError:
        have = "not installed"
    if have != want:
        wrong.append(f"{name}=={want} ({have})")
if wrong:
    sys.exit("not the pinned versions: " + ", ".join(wrong))
import aiohttp, socketio  # noqa: E401,F401
if "websockets" in open(sys.argv[1]).read():
    import websockets  # noqa: F401
PYTHON
}

if ((NO_INSTALL)); then
    # The real interpreter, not a wrapper script (pyenv shim), so that $! is the Python process.
    PY=$(python3 -c 'import sys; print(sys.executable)') || die "python3 not found"
    check_pins "$PY" \
        || die "--no-install: $PY lacks the pinned peers (pip install -r Samples/peers/requirements.txt)"
else
    # A venv's bin/python is a link to the interpreter itself, so $! is the Python process.
    VENV=$(realpath -m -- "$VENV")
    PY=$VENV/bin/python
    if [[ ! -x $PY ]]; then
        log "creating the virtual environment $VENV"
        mkdir -p -- "$(dirname -- "$VENV")"
        "${PYTHON:-python3}" -m venv -- "$VENV" \
            || die "cannot create a virtual environment in $VENV (Debian's python3: apt-get install python3-venv)"
    fi
    if ! check_pins "$PY" 2>/dev/null; then
        log "installing the pinned peers of Samples/peers/requirements.txt into $VENV"
        "$PY" -m pip install --disable-pip-version-check --quiet --require-virtualenv -r "$REQS" \
            || die "pip install into $VENV failed"
        check_pins "$PY" || die "$VENV: still not the pinned versions after pip install"
    fi
fi

# socketio-v3's peers: their own interpreter PY_V3, set up like PY (only when recorded).
PY_V3=
if [[ " ${WANT[*]} " == *" socketio-v3 "* ]]; then
    if ((NO_INSTALL)); then
        [[ -n ${PYTHON_V3:-} ]] || die "--no-install: name the interpreter for socketio-v3 in \$PYTHON_V3"
        PY_V3=$("$PYTHON_V3" -c 'import sys; print(sys.executable)') || die "$PYTHON_V3 does not run"
        check_pins "$PY_V3" "$REQS_V3" \
            || die "--no-install: $PY_V3 lacks the pinned peers of Samples/peers/requirements-v3.txt"
    else
        VENV_V3=$(realpath -m -- "$VENV_V3")
        PY_V3=$VENV_V3/bin/python
        if [[ ! -x $PY_V3 ]]; then
            log "creating the virtual environment $VENV_V3"
            mkdir -p -- "$(dirname -- "$VENV_V3")"
            "${PYTHON:-python3}" -m venv -- "$VENV_V3" \
                || die "cannot create a virtual environment in $VENV_V3 (Debian's python3: apt-get install python3-venv)"
        fi
        if ! check_pins "$PY_V3" "$REQS_V3" 2>/dev/null; then
            log "installing the pinned peers of Samples/peers/requirements-v3.txt into $VENV_V3"
            "$PY_V3" -m pip install --disable-pip-version-check --quiet --require-virtualenv -r "$REQS_V3" \
                || die "pip install into $VENV_V3 failed"
            check_pins "$PY_V3" "$REQS_V3" || die "$VENV_V3: still not the pinned versions after pip install"
        fi
    fi
fi

TMP=$(mktemp -d /tmp/osiscope-rec.XXXXXX)
chmod 755 "$TMP"           # tcpdump/dumpcap write here
PIDS=()                    # background programs still to stop on exit

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT

nsx() { ip netns exec "$NS" "$@"; }

new_namespace() {
    ip netns del "$NS" 2>/dev/null || true
    ip netns add "$NS"
    nsx ip link set lo mtu 1500
    nsx ip link set lo up
    nsx ethtool -K lo tso off gso off gro off \
        || die "cannot turn off TSO/GSO/GRO on lo: big messages would not be split into MTU-sized segments"
    local k
    k=$(nsx ethtool -k lo)
    grep -q '^tcp-segmentation-offload: off' <<<"$k" || die "TSO still on"
    grep -q '^generic-segmentation-offload: off' <<<"$k" || die "GSO still on"
    grep -q '^generic-receive-offload: off' <<<"$k" || die "GRO still on"
}

# wait_for_text FILE TEXT PID: until FILE contains TEXT (the capture tool's
# "listening"/"Capturing on" line), failing if PID dies or 10 s pass.
wait_for_text() {
    local file=$1 text=$2 pid=$3 i
    for ((i = 0; i < 100; i++)); do
        grep -q "$text" "$file" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || { cat "$file" >&2; die "capture tool exited early"; }
        sleep 0.1
    done
    cat "$file" >&2
    die "capture tool did not start"
}

# wait_listen PORT: until a socket listens on PORT inside the namespace. Uses
# ss rather than a test connection, which would end up in the capture.
wait_listen() {
    local port=$1 i
    for ((i = 0; i < 100; i++)); do
        [[ -n $(nsx ss -Hltn "sport = :$port") ]] && return 0
        sleep 0.1
    done
    die "nothing listens on port $port"
}

# stop_pid PID NAME SIGNAL: send SIGNAL, wait (at most 10 s), fail on a non-zero exit.
stop_pid() {
    local pid=$1 name=$2 sig=$3 i rc=0
    kill -"$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid"; die "$name did not stop on SIG$sig"; }
    wait "$pid" || rc=$?
    local rest=()
    for i in "${PIDS[@]}"; do [[ $i == "$pid" ]] || rest+=("$i"); done
    PIDS=("${rest[@]}")
    [[ $rc -eq 0 ]] || die "$name exited with status $rc"
}

# start_capture TOOL FILE ARGS...: TOOL is tcpdump or dumpcap; sets CAP_PID.
start_capture() {
    local tool=$1 file=$2
    shift 2
    CAP_TOOL=$tool CAP_FILE=$file
    local err=$TMP/$tool.err
    : >"$err"
    if [[ $tool == tcpdump ]]; then
        # -Z root: don't drop to user "tcpdump" (it could not write to $TMP).
        # --immediate-mode: hand each packet to tcpdump at once. Without it,
        # libpcap's TPACKET_V3 ring hands packets over in blocks (1 s timeout),
        # and tcpdump stopped by SIGINT can lose the last block: a capture
        # then silently ends mid-connection (seen here once in four runs).
        # -U: write each packet to the file at once. Snap length: default
        # 262144, whole packets.
        ip netns exec "$NS" tcpdump -Z root --immediate-mode -U -w "$file" "$@" 2>"$err" &
        CAP_PID=$!
        PIDS+=("$CAP_PID")
        wait_for_text "$err" "listening on" "$CAP_PID"
    else
        # dumpcap reads what is left in the ring when it stops ("flushed").
        ip netns exec "$NS" dumpcap -q -w "$file" "$@" 2>"$err" &
        CAP_PID=$!
        PIDS+=("$CAP_PID")
        wait_for_text "$err" "Capturing on" "$CAP_PID"
    fi
    sleep 0.3
}

# stop_capture: SIGINT, wait, then make sure nothing was lost: the tool's own
# count of captured packets must equal the file's, with no kernel drops.
stop_capture() {
    sleep 1.5   # let the last ACKs/FINs go through and the ring hand them over
    stop_pid "$CAP_PID" "capture" INT
    local err=$TMP/$CAP_TOOL.err captured received dropped in_file
    if [[ $CAP_TOOL == tcpdump ]]; then
        captured=$(sed -n 's/^\([0-9]*\) packets\? captured$/\1/p' "$err")
        received=$(sed -n 's/^\([0-9]*\) packets\? received by filter$/\1/p' "$err")
        dropped=$(sed -n 's/^\([0-9]*\) packets\? dropped by kernel$/\1/p' "$err")
    else
        # (dumpcap puts a carriage return before this line)
        captured=$(tr -d '\r' <"$err" | sed -n 's/^Packets captured: \([0-9]*\)$/\1/p')
        received=$(sed -n 's/^Packets received\/dropped on .*: \([0-9]*\)\/[0-9]* .*/\1/p' "$err")
        dropped=$(sed -n 's/^Packets received\/dropped on .*: [0-9]*\/\([0-9]*\) .*/\1/p' "$err")
    fi
    in_file=$(capinfos -M -c -r -T "$CAP_FILE" | awk '{print $NF}')
    # ("received" is not compared: on lo the kernel counts each packet twice,
    # outgoing and incoming, and libpcap drops the outgoing copy.) A capture
    # that lost its end is caught by verify.py: every connection must have
    # SYN and FIN from both sides.
    [[ -n $captured && $dropped == 0 && $captured == "$in_file" ]] || {
        cat "$err" >&2
        die "$CAP_TOOL: received '$received', captured '$captured', dropped '$dropped', in file '$in_file'"
    }
}

# start_server NAME PORT CMD...: sets SRV_PID; waits until PORT listens.
start_server() {
    local name=$1 port=$2
    shift 2
    ip netns exec "$NS" "$@" >"$TMP/$name.server.out" 2>&1 &
    SRV_PID=$!
    PIDS+=("$SRV_PID")
    wait_listen "$port"
}

stop_server() {
    sleep 0.3
    stop_pid "$SRV_PID" "server" INT
}

run_client() {
    timeout 60 ip netns exec "$NS" "$@" || die "client failed: $*"
}

# socketio-browser: the browser, and the socket.io client script it loads.
WANT_BROWSER=0
[[ " ${WANT[*]} " == *" socketio-browser "* ]] && WANT_BROWSER=1
if ((WANT_BROWSER)); then
    command -v chromium >/dev/null \
        || die "socketio-browser needs chromium (DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)"
    CLIENT_JS=$TMP/socket.io.min.js
    if [[ -n ${SOCKETIO_CLIENT_JS:-} ]]; then
        cp -- "$SOCKETIO_CLIENT_JS" "$CLIENT_JS" || die "cannot read \$SOCKETIO_CLIENT_JS ($SOCKETIO_CLIENT_JS)"
    else
        log "downloading nicegui $NICEGUI_VERSION (PyPI) for its socket.io client script"
        "$PY" -m pip download --disable-pip-version-check --quiet --no-deps --only-binary=:all: \
            -d "$TMP/nicegui" "nicegui==$NICEGUI_VERSION" || die "pip download nicegui==$NICEGUI_VERSION failed"
        "$PY" - "$TMP/nicegui" "$CLIENT_JS" <<'PYTHON' || die "no socket.io.min.js in the nicegui wheel"
import glob, sys, zipfile
wheel, = glob.glob(sys.argv[1] + "/nicegui-*.whl")
with zipfile.ZipFile(wheel) as z, open(sys.argv[2], "wb") as out:
    out.write(z.read("nicegui/static/socket.io.min.js"))
PYTHON
    fi
    [[ $(sha256sum "$CLIENT_JS" | awk '{print $1}') == "$SOCKETIO_CLIENT_SHA256" ]] \
        || die "the socket.io client script is not the pinned one (sha256 $SOCKETIO_CLIENT_SHA256)"
    head -c 200 "$CLIENT_JS" | grep -q "Socket.IO v$SOCKETIO_CLIENT_VERSION\$" \
        || die "the socket.io client script's header does not say v$SOCKETIO_CLIENT_VERSION"
fi

# ---------------------------------------------------------------- samples

rec_http_keepalive() {
    local out=$TMP/http-keepalive.pcap u=http://127.0.0.1:8080
    local opts=(--http1.1 --noproxy '*' --local-port 40000 -sS -o /dev/null
                -w '%{method} %{url_effective} -> %{http_code}, new connections: %{num_connects}\n')
    new_namespace
    start_capture tcpdump "$out" -i lo
    start_server http 8080 "$PY" "$PEERS/http_server.py" --port 8080 \
        --expected "$TMP/http-keepalive.expected.json"
    # One curl process, several URLs separated by --next: curl keeps the
    # connection alive and reuses it for every request (num_connects 0 after the first).
    run_client curl "${opts[@]}" "$u/hello" \
        --next "${opts[@]}" "$u/chunked" \
        --next "${opts[@]}" -H 'If-None-Match: "v1"' "$u/etag" \
        --next "${opts[@]}" --head "$u/hello" \
        --next "${opts[@]}" --data-binary 'name=osiscope' "$u/echo" \
        --next "${opts[@]}" "$u/big"
    stop_server
    stop_capture
}

rec_websocket_plain() {
    new_namespace
    start_capture dumpcap "$TMP/websocket-plain.pcapng" -i lo
    start_server ws 8765 "$PY" "$PEERS/ws_server.py" --port 8765 --compression none
    run_client "$PY" "$PEERS/ws_client.py" --uri ws://127.0.0.1:8765/echo --local-port 40001 \
        --compression none --scenario full --expected "$TMP/websocket-plain.expected.json"
    stop_server
    stop_capture
}

rec_websocket_deflate() {
    new_namespace
    start_capture tcpdump "$TMP/websocket-deflate.pcap" -i lo --time-stamp-precision=nano
    start_server ws 8766 "$PY" "$PEERS/ws_server.py" --port 8766 --compression deflate
    run_client "$PY" "$PEERS/ws_client.py" --uri ws://127.0.0.1:8766/echo --local-port 40002 \
        --compression deflate --scenario full --expected "$TMP/websocket-deflate.expected.json"
    stop_server
    stop_capture
}

rec_websocket_ipv6() {
    new_namespace
    # -i any on Linux gives the "Linux cooked v2" (SLL2) link type.
    start_capture tcpdump "$TMP/websocket-ipv6.pcap" -i any
    start_server ws 8767 "$PY" "$PEERS/ws_server.py" --host ::1 --port 8767 --compression none --close-after 2
    run_client "$PY" "$PEERS/ws_client.py" --uri 'ws://[::1]:8767/v6' --local-host ::1 --local-port 40003 \
        --compression none --scenario short --expected "$TMP/websocket-ipv6.expected.json"
    stop_server
    stop_capture
}

rec_socketio_upgrade() {
    new_namespace
    start_capture dumpcap "$TMP/socketio-upgrade.pcapng" -i lo
    start_server sio 5000 "$PY" "$PEERS/sio_server.py" --port 5000 --log "$TMP/sio-server.json"
    run_client "$PY" "$PEERS/sio_client.py" --url http://127.0.0.1:5000 --log "$TMP/sio-client.json"
    stop_server
    stop_capture
    # python-socketio chooses client ports itself and puts random session ids
    # in the traffic, so the expected WebSocket message list is taken from the
    # capture (tshark) and checked against both peers' event logs.
    "$PY" "$HERE/verify.py" socketio-expected "$TMP/socketio-upgrade.pcapng" \
        "$TMP/sio-client.json" "$TMP/sio-server.json" >"$TMP/socketio-upgrade.expected.json"
}

# The four samples of peers/sio5_*.py and peers/sio3_*.py: the ground truth comes from
# verify.py socketio-truth, which decodes the Engine.IO and Socket.IO packets from the
# capture (tshark) and checks them against both peers' logs (session ids, ack ids and
# client ports are the library's own, so they cannot be fixed in advance).

# socketio_truth NAME DESCRIPTION: writes $TMP/NAME.expected.json.
socketio_truth() {
    "$PY" "$HERE/verify.py" socketio-truth "$TMP/${FILE[$1]}" "$TMP/sio-client.json" "$TMP/sio-server.json" \
        "$2" >"$TMP/$1.expected.json" || die "$1: the capture and the peers' logs do not agree"
}

# require NAME PYTHON-EXPRESSION MESSAGE: the expression, on the expected file as `d`, holds.
# (What the sample is for depends on timing the peers do not control: check it.)
require() {
    "$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$TMP/$1.expected.json" "$2" || die "$1: $3"
}

rec_socketio_polling() {
    new_namespace
    start_capture dumpcap "$TMP/socketio-polling.pcapng" -i lo
    start_server sio5 5001 "$PY" "$PEERS/sio5_server.py" --port 5001 --mode session --log "$TMP/sio-server.json"
    run_client "$PY" "$PEERS/sio5_client.py" --url http://127.0.0.1:5001 --mode polling --log "$TMP/sio-client.json"
    stop_server
    stop_capture
    socketio_truth socketio-polling "Socket.IO v5 / Engine.IO v4 session on the long-polling transport only, \
decoded from the capture and cross-checked against both peers' logs (session ids are random per recording)"
    require socketio-polling 'sum(1 for c in d["tcp_connections"] if any(r["eio_sid"] == d["sessions"][0]["eio_sid"] for r in c["requests"])) >= 2' \
        "fewer than two TCP connections carry requests of the session"
    require socketio-polling 'd["heartbeat_count"] >= 2' "fewer than two heartbeats"
}

rec_socketio_websocket() {
    new_namespace
    start_capture dumpcap "$TMP/socketio-websocket.pcapng" -i lo
    start_server sio5 5002 "$PY" "$PEERS/sio5_server.py" --port 5002 --mode session --log "$TMP/sio-server.json"
    run_client "$PY" "$PEERS/sio5_client.py" --url http://127.0.0.1:5002 --mode websocket --log "$TMP/sio-client.json"
    stop_server
    stop_capture
    socketio_truth socketio-websocket "Socket.IO v5 / Engine.IO v4 session on the WebSocket transport only, \
decoded from the capture and cross-checked against both peers' logs (session ids are random per recording)"
    require socketio-websocket 'd["heartbeat_count"] >= 2' "fewer than two heartbeats"
}

rec_socketio_broadcast() {
    new_namespace
    start_capture dumpcap "$TMP/socketio-broadcast.pcapng" -i lo
    start_server sio5 5003 "$PY" "$PEERS/sio5_server.py" --port 5003 --mode broadcast --log "$TMP/sio-server.json"
    run_client "$PY" "$PEERS/sio5_client.py" --url http://127.0.0.1:5003 --mode broadcast --log "$TMP/sio-client.json"
    stop_server
    stop_capture
    socketio_truth socketio-broadcast "Three Socket.IO v5 / Engine.IO v4 clients (one polling, two WebSocket) \
in room lobby and one event emitted to the room, decoded from the capture and cross-checked against the peers' logs"
    require socketio-broadcast 'len(d["broadcast"]) == 1 and len(d["broadcast"][0]["recipients"]) == 3' \
        "the room event did not reach three sessions"
}

rec_socketio_v3() {
    new_namespace
    start_capture dumpcap "$TMP/socketio-v3.pcapng" -i lo
    start_server sio3 5004 "$PY_V3" "$PEERS/sio3_server.py" --port 5004 --log "$TMP/sio-server.json"
    run_client "$PY_V3" "$PEERS/sio3_client.py" --url 'http://127.0.0.1:5004?token=s3cret' --log "$TMP/sio-client.json"
    stop_server
    stop_capture
    socketio_truth socketio-v3 "Engine.IO v3 / Socket.IO protocol v4 session (python-socketio 4.x): polling \
handshake, upgrade to WebSocket, decoded from the capture and cross-checked against both peers' logs"
    require socketio-v3 'd["heartbeat_count"] >= 1' "no heartbeat"
    require socketio-v3 'd["sessions"][0]["transports"] == ["polling", "websocket"]' "no upgrade to WebSocket"
}

# socketio-browser: the client is headless Chromium (peers/sio5_browser.py starts it and
# reads the page's log from its console output), so its ports, its connections and what
# goes over polling before the upgrade are the browser's own choice; checked below.
rec_socketio_browser() {
    new_namespace
    start_capture dumpcap "$TMP/socketio-browser.pcapng" -i lo
    start_server sio5b 5005 "$PY" "$PEERS/sio5_browser_server.py" --port 5005 --client-js "$CLIENT_JS" \
        --log "$TMP/sio-server.json"
    # peers/sio5_browser.py returns once the page has disconnected and Chromium has exited.
    run_client "$PY" "$PEERS/sio5_browser.py" --url http://127.0.0.1:5005/ --log "$TMP/sio-client.json" \
        --chromium-log "$TMP/chromium.err"
    stop_server
    stop_capture
    socketio_truth socketio-browser "Socket.IO v5 / Engine.IO v4 session of a real browser (headless Chromium, \
the socket.io JavaScript client $SOCKETIO_CLIENT_VERSION) with python-socketio's server: the page and the \
client script over HTTP, polling handshake, upgrade to WebSocket; decoded from the capture and \
cross-checked against the server's log and the page's console log (session ids are random per recording)"
    require socketio-browser 'd["sessions"][0]["transports"] == ["polling", "websocket"]' "no upgrade to WebSocket"
    require socketio-browser 'len(d["sessions"]) == 1' "not one Engine.IO session"
    require socketio-browser '[r["uri"] for c in d["tcp_connections"] for r in c["requests"] if r["kind"] == "static"] == ["/", "/socket.io.min.js"]' \
        "not exactly the page and the client script besides Engine.IO (a favicon request?)"
    require socketio-browser 'sorted(e["type"] for e in d["events"] if e["from"] == "client") == ["ACK", "BINARY_EVENT", "CONNECT", "DISCONNECT", "EVENT"]' \
        "the page's Socket.IO packets are not CONNECT, EVENT, ACK, BINARY_EVENT and DISCONNECT"
    require socketio-browser 'd["heartbeat_count"] >= 2' "fewer than two heartbeats"
}

# The four update-* samples (peers/updates_server.py and peers/updates_client.py): the same
# five updates, one every 200 ms, delivered by page reloads, short polling, long polling and
# a WebSocket. The expected file is made from the capture (tshark) and checked against both
# peers' logs by verify.py updates-expected.
# rec_updates NAME MODE PORT [CLIENT-PORT]
rec_updates() {
    local name=$1 mode=$2 port=$3 cport=${4:-0}
    new_namespace
    start_capture dumpcap "$TMP/$name.pcapng" -i lo
    start_server updates "$port" "$PY" "$PEERS/updates_server.py" --port "$port" --log "$TMP/updates-server.json"
    run_client "$PY" "$PEERS/updates_client.py" --url "http://127.0.0.1:$port" --mode "$mode" \
        --local-port "$cport" --log "$TMP/updates-client.json"
    stop_server
    stop_capture
    "$PY" "$HERE/verify.py" updates-expected "$TMP/$name.pcapng" "$TMP/updates-client.json" \
        "$TMP/updates-server.json" "$mode" >"$TMP/$name.expected.json" \
        || die "$name: the capture and the peers' logs do not agree"
}

# reload: a new TCP connection per page (client ports chosen by the kernel).
rec_update_reload() { rec_updates update-reload reload 8090; }
rec_update_short_polling() { rec_updates update-short-polling short 8091 40010; }
rec_update_long_polling() { rec_updates update-long-polling long 8092 40011; }
rec_update_websocket() { rec_updates update-websocket ws 8093 40012; }

# websocket-duplex (peers/duplex_server.py, peers/duplex_client.py, python websockets): both
# peers send 4 messages of 30000 bytes at the same moment on one connection and read the
# other's slowly through a small receive buffer, so TCP flow control keeps messages of both
# directions in flight together. The expected file is made from the capture by verify.py
# duplex-expected and checked against both peers' logs; it fails unless at least 3
# client/server message pairs were in flight (sent, last byte not yet acknowledged) at once.
rec_websocket_duplex() {
    new_namespace
    start_capture dumpcap "$TMP/websocket-duplex.pcapng" -i lo
    start_server duplex 8094 "$PY" "$PEERS/duplex_server.py" --port 8094 --log "$TMP/duplex-server.json"
    run_client "$PY" "$PEERS/duplex_client.py" --uri ws://127.0.0.1:8094/duplex --local-port 40013 \
        --log "$TMP/duplex-client.json"
    stop_server
    stop_capture
    "$PY" "$HERE/verify.py" duplex-expected "$TMP/websocket-duplex.pcapng" "$TMP/duplex-client.json" \
        "$TMP/duplex-server.json" >"$TMP/websocket-duplex.expected.json" \
        || die "websocket-duplex: the capture and the peers' logs do not agree, or no duplex moment"
}

# ---------------------------------------------------------------- main

for name in "${WANT[@]}"; do
    log "recording $name"
    "rec_${name//-/_}"
    ip netns del "$NS"
    "$PY" "$HERE/verify.py" check "$TMP/${FILE[$name]}" "$TMP/$name.expected.json" \
        || die "verification of $name failed"
    # The packet numbers, counts and byte ranges the tests read (key "capture").
    "$PY" "$HERE/verify.py" capture-facts "$TMP/${FILE[$name]}" \
        || die "capture facts of $name failed"
done

# The programs that made these recordings (see the NAME.md files).
# One "sample NAME: DATE" line per sample (kept from the output folder's
# recorded-with.txt for samples not recorded this time), then the versions of
# this run.
{
    now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    for name in "${ALL[@]}"; do
        if [[ " ${WANT[*]} " == *" $name "* ]]; then
            echo "sample $name: recorded $now"
        else
            grep "^sample $name: " "$DEST/recorded-with.txt" 2>/dev/null || true
        fi
    done
    echo "versions used by the last run ($now):"
    echo "kernel: $(uname -r); Debian $(cat /etc/debian_version 2>/dev/null || echo '?')"
    echo "python: $("$PY" -c 'import sys; print(sys.version.split()[0])')"
    "$PY" -c 'import importlib.metadata as m
for p in ("websockets", "aiohttp", "python-socketio", "python-engineio"):
    print(f"{p}: {m.version(p)}")'
    # socketio-v3 alone: record.sh records it only with these pins (peers/requirements-v3.txt).
    echo "socketio-v3 peers: $(grep -E '^(python-socketio|python-engineio|aiohttp)==' "$REQS_V3" \
        | sed 's/==/ /' | paste -sd, | sed 's/,/, /g') (pinned in peers/requirements-v3.txt)"
    # socketio-browser's client: the browser of the run that recorded it (kept when not recorded now).
    if ((WANT_BROWSER)); then
        echo "socketio-browser client: $(chromium --version 2>/dev/null | sed 's/ built on .*//'), headless;" \
            "socket.io client $SOCKETIO_CLIENT_VERSION (nicegui $NICEGUI_VERSION nicegui/static/socket.io.min.js," \
            "sha256 $SOCKETIO_CLIENT_SHA256)"
    else
        grep "^socketio-browser client: " "$DEST/recorded-with.txt" 2>/dev/null || true
    fi
    echo "tcpdump: $(tcpdump --version 2>&1 | head -1 | awk '{print $3}'); $(tcpdump --version 2>&1 | sed -n 2p)"
    echo "dumpcap: $(dumpcap --version 2>&1 | head -1)"
    echo "tshark (verify.py): $(tshark --version 2>/dev/null | head -1)"
    echo "curl: $(curl --version | head -1 | awk '{print $2}')"
    echo "ethtool: $(ethtool --version | awk '{print $3}')"
} >"$TMP/recorded-with.txt"

# All recorded and verified: copy them to the output folder.
mkdir -p -- "$DEST"
install -m 644 "$TMP/recorded-with.txt" "$DEST/recorded-with.txt"
for name in "${WANT[@]}"; do
    install -m 644 "$TMP/${FILE[$name]}" "$DEST/${FILE[$name]}"
    install -m 644 "$TMP/$name.expected.json" "$DEST/$name.expected.json"
    log "wrote $DEST/${FILE[$name]} ($(stat -c %s "$DEST/${FILE[$name]}") bytes) and $name.expected.json"
done
