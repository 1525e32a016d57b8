#compdef heapscope
# zsh completion for heapscope(1); installed as _heapscope in site-functions.
#
# Nothing here lists commands, options or values: the binary being
# completed is asked.  `heapscope __complete` prints the commands,
# `heapscope __complete CMD` a command's options, `heapscope __complete CMD
# --format` also the --format values, each prefixed with '='.  Which options
# take an argument, and the fixed values of those that have a set of them
# (--granularity functions|files|...), come from `heapscope help CMD`.
# Anything else completes as a file name.

# The argument of option $3 of command $2 as `$1 help $2` shows it ("FILE",
# "N", "REGEX", "functions|files|...", "text,json"); nothing when the option
# takes none.
_heapscope_argspec() {
  _call_program help "${(q)1}" help "${(q)2}" 2>/dev/null | awk -v o="$3" '
    $1 ~ /^-/ {
      short = ""; long = $1; arg = $2
      if ($1 ~ /,$/) { short = substr($1, 1, length($1) - 1); long = $2; arg = $3 }
      if (o == long || (short != "" && o == short)) {
        if (arg ~ /^[A-Z]/ || arg ~ /[|,]/)
          print arg
        exit
      }
    }'
}

# Complete the value of option $3 of command $2.
_heapscope_value() {
  local prog=$1 cmd=$2 opt=$3 spec
  local -a vals
  vals=(${(M)${(f)"$(_call_program values "${(q)prog}" __complete "${(q)cmd}" "${(q)opt}" 2>/dev/null)"}:#=*})
  if (( $#vals )); then
    compadd -- ${vals#=}
    return
  fi
  spec=$(_heapscope_argspec $prog $cmd $opt)
  case $spec in
    (*FILE*) _files ;;
    (*[a-z]\|[a-z]*) compadd -- ${(s:|:)spec} ;;
    (*) _message -e values "${spec:-value}" ;;
  esac
}

_heapscope() {
  local prog=${words[1]} cmd cur=${words[CURRENT]} prev=${words[CURRENT-1]} opt
  local -a cmds opts before
  # Ask the very binary being completed (build/heapscope...), else PATH's.
  [[ $prog == */* && -x $prog ]] || prog=heapscope

  if (( CURRENT == 2 )); then
    cmds=(${(f)"$(_call_program commands "${(q)prog}" __complete 2>/dev/null)"})
    _wanted commands expl 'heapscope command' compadd -- $cmds
    return
  fi
  cmd=${words[2]}
  case $cmd in
    (help|--help|-h)
      if (( CURRENT == 3 )); then
        cmds=(${(f)"$(_call_program commands "${(q)prog}" __complete 2>/dev/null)"})
        _wanted commands expl 'heapscope command' compadd -- $cmds
      fi
      return ;;
    (-*) return 1 ;;
  esac
  # After "--" only file names.
  before=("${(@)words[3,CURRENT-1]}")
  if (( ${before[(I)--]} )); then
    _files
    return
  fi

  # "--opt=VALUE" as one word, or "--opt VALUE".
  if [[ $cur == -*=* ]]; then
    opt=${cur%%=*}
    compset -P '*='
    _heapscope_value $prog $cmd $opt
    return
  fi
  if [[ $prev == -?* && $prev != -- ]] && [[ -n $(_heapscope_argspec $prog $cmd $prev) ]]; then
    _heapscope_value $prog $cmd $prev
    return
  fi

  if [[ $cur == -* ]]; then
    opts=(${${(f)"$(_call_program options "${(q)prog}" __complete "${(q)cmd}" 2>/dev/null)"}:#=*})
    _wanted options expl 'heapscope option' compadd -- $opts
    return
  fi
  _files
}

_heapscope "$@"
