# Per-thread CPU of a set of processes, read from /proc; sourced by bench/cluster-thread-cpu.sh and
# bench/cluster-idle.sh.
#
#   thread_snapshot FILE PID...        "pid tid name ticks switches" for every thread of every PID (utime+stime, clock
#                                      ticks; times switched out, voluntary and not, from its status)
#   thread_report START END DIVISOR UNIT SWITCH_DIVISOR SWITCH_UNIT
#                                      threads by name (digits folded, so the pool's workers are one line), summed
#                                      over the processes: CPU seconds × 10^6 ÷ DIVISOR per thread, largest first,
#                                      under a header naming UNIT ("µs per op" with the ops as divisor, "ms per s"
#                                      with the window's seconds × 1000), and its switches ÷ SWITCH_DIVISOR under
#                                      SWITCH_UNIT ("switches per op", "switches per s"). A thread that started inside the window
#                                      counts from zero; one that ended inside it is missing (the pool retires idle
#                                      workers), so the sum can be a little under the processes' /proc/PID/stat.

thread_snapshot() {
  local file=$1 pid task stat name rest switches
  shift
  for pid in "$@"; do
    for task in /proc/"$pid"/task/*; do
      # The name is field 2, in parentheses, and may hold spaces; utime and stime are fields 14 and 15.
      stat=$(cat "$task/stat" 2>/dev/null) || continue
      name=${stat#*(}; name=${name%)*}
      rest=${stat##*) }
      read -r -a fields <<<"$rest"
      switches=$(awk '/ctxt_switches/ { n += $2 } END { print n + 0 }' "$task/status" 2>/dev/null) || switches=0
      echo "$pid ${task##*/} ${name// /_} $((fields[11] + fields[12])) $switches"
    done
  done >"$file"
}

thread_report() {
  local start=$1 end=$2 divisor=$3 unit=$4 switch_divisor=$5 switch_unit=$6
  # POSIX awk: the sort is sort's.
  awk -v tps="$(getconf CLK_TCK)" -v divisor="$divisor" -v switch_divisor="$switch_divisor" '
    FNR == NR { start[$1 " " $2] = $4; start_switches[$1 " " $2] = $5; next }
    {
      name = $3; gsub(/[0-9]+/, "#", name)
      used = $4 - start[$1 " " $2]; switched = $5 - start_switches[$1 " " $2]
      by[name] += used; total += used; switches[name] += switched; all_switches += switched
    }
    END {
      for (name in by) if (by[name] > 0 || switches[name] > 0)
        printf "%-24s %12.1f %7.1f%% %16.2f\n", name, by[name] * 1e6 / tps / divisor, 100 * by[name] / total, switches[name] / switch_divisor
      printf "%-24s %12.1f %7.1f%% %16.2f\n", "all_threads", total * 1e6 / tps / divisor, 100, all_switches / switch_divisor
    }' "$start" "$end" | sort -k2,2 -n -r | { printf "%-24s %12s %8s %16s\n" "thread" "$unit" "share" "$switch_unit"; cat; }
}
