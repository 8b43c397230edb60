module leakhound/samples

go 1.19
