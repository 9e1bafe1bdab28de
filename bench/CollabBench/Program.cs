Console.Error.WriteLine("not built yet: see the issue that introduces this program");
return 2;
