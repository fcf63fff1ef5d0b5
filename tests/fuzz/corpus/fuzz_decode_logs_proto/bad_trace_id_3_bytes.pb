
	Jabc