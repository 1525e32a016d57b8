/* heapscope: the chain below an own-code culprit (culprit_out.h). */
#include "culprit_out.h"
#include "chain.h"

bool out_chain_text(char *buf, size_t size, const hs_chain *ch)
{
	buf[0] = '\0';
	if (ch->n < 2)
		return false;
	chain_format(buf, size, ch->funcs, ch->inlined, ch->n - 1, 0);
	return true;
}

void out_chain_json(json_w *w, const hs_chain *ch)
{
	if (ch->n < 2)
		return;
	json_key(w, "chain");
	json_begin_array(w);
	for (size_t i = ch->n; i-- > 0;)
		json_string(w, ch->funcs[i]);
	json_end_array(w);
}
