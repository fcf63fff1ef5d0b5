

g*
	*"short