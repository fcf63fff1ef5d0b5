
	
short