package mask

// Methods lists the masking methods a configured rule may use (keep is not one: a configured
// rule never shows a value in clear).
var Methods = []string{MethodPartial, MethodSurname, MethodTail, MethodEmail, MethodHash, MethodRedact}

// NoLooser reports whether rule r reveals no more than base (脱敏规则不得宽于基准): a region's
// rule against the rule of the region above, an entry's rule against its region's. Redacting
// is never looser; keeping in clear is looser than anything but keep; a pseudonym (hash) hides
// every character and is no looser than any rule that shows some. Rules of the same method
// compare what they keep (KeepHead, KeepTail); a partial rule that keeps only a few leading
// runes is no looser than the surname, address or e-mail rule keeping at least as many. Other
// pairs cannot be compared and count as looser (fail closed).
func NoLooser(r, base Rule) bool {
	switch {
	case r.Method == MethodRedact || base.Method == MethodKeep:
		return true
	case r.Method == MethodKeep || base.Method == MethodRedact:
		return false
	case r.Method == MethodHash:
		return true
	case base.Method == MethodHash:
		return false
	}
	head, tail := max(r.KeepHead, 0), max(r.KeepTail, 0)
	bHead, bTail := max(base.KeepHead, 0), max(base.KeepTail, 0)
	if r.Method == base.Method {
		switch r.Method {
		case MethodPartial:
			return head <= bHead && tail <= bTail
		case MethodSurname:
			return true
		case MethodTail, MethodEmail:
			return head <= bHead
		}
		return false
	}
	if r.Method != MethodPartial || tail > 0 {
		return false
	}
	switch base.Method {
	case MethodSurname:
		return head <= 1
	case MethodTail, MethodEmail:
		return head <= bHead
	}
	return false
}

// Tighten returns base with each rule of over put in place of base's rule for its kind where it
// is no looser (a kind base does not mask takes over's rule as is). Looser rules are ignored, so
// the result is never looser than base.
func (rs Rules) Tighten(over []Rule) Rules {
	out := make(Rules, len(rs)+len(over))
	for k, r := range rs {
		out[k] = r
	}
	for _, r := range over {
		if b, ok := out[r.Kind]; !ok || NoLooser(r, b) {
			if r.MaskChar == 0 {
				r.MaskChar = DefaultMaskChar
			}
			out[r.Kind] = r
		}
	}
	return out
}
