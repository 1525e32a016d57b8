#compdef heapscope
# zsh completion for heapscope(1); installed as _heapscope in site-functions.
#
# Nothing here lists commands, options or values: the binary being
# completed is asked, and it answers from the same option tables that
# parse the command line.  `heapscope __complete` prints the commands,
# `heapscope __complete CMD` a command's options, and `heapscope
# __complete CMD OPT` what OPT's value is: nothing for a flag, `=VALUE`
# lines for a fixed set (--format, --granularity, --by, --profile...),
# `:file` for a file name, `:any` for anything else.
# Anything else completes as a file name.

# What the value of option $3 of command $2 is, as `$1 __complete $2 $3`
# says; nothing when the option takes none.
_heapscope_argspec() {
  _call_program values "${(q)1}" __complete "${(q)2}" "${(q)3}" 2>/dev/null
}

# Complete the value of option $3 of command $2.
_heapscope_value() {
  local -a spec
  spec=(${(f)"$(_heapscope_argspec $1 $2 $3)"})
  case ${spec[1]} in
    (:file) _files ;;
    (=*) compadd -- ${spec#=} ;;
    (*) _message -e values value ;;
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
