
	slow down