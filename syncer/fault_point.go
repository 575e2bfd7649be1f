package syncer

// faultPoint marks a point where a directory write of action a is done and
// the store transaction recording it is not: step is the write just made
// ("add", "modrdn", or "write" once the action's whole directory side is
// done). A run killed here leaves the directory ahead of the store, and the
// next run must converge anyway. Tests set Options.faultHook to stop the
// process exactly here; in production the hook is nil and this does
// nothing.
func (ap *applier) faultPoint(step string, a *Action) {
	if ap.fault == nil {
		return
	}
	point := step + " " + a.Op + " " + string(a.Kind) + " " + a.Name
	if a.Member() != "" {
		point += " " + a.Member()
	}
	ap.fault(point)
}
