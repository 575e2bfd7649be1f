package wizard

// Steps returns the wizard's screens in the order it walks them: Welcome,
// the four settings screens, Enrollment, Review, Preview, Run. The slice is
// new on every call.
func Steps() []Screen {
	return []Screen{
		ScreenWelcome, ScreenConnection, ScreenUsers, ScreenGroups,
		ScreenSync, ScreenEnrollment, ScreenReview, ScreenPreview, ScreenRun,
	}
}
