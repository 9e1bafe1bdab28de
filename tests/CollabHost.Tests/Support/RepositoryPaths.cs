namespace CollabHost.Tests.Support;

/// <summary>Finds files of this repository from a test's output folder (the folder holding CollabSuite.sln).</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        for (int depth = 0; dir is not null && depth < 12; depth++, dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CollabSuite.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No CollabSuite.sln above {AppContext.BaseDirectory}.");
    }
}
