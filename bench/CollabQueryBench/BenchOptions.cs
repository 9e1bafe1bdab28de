namespace CollabQueryBench;

/// <summary>What to run, from the command line; <see cref="Reproduce"/> prints it back as the command that repeats the run.</summary>
public sealed record BenchOptions
{
    public int Documents { get; init; } = 100_000;
    public int Runs { get; init; } = 200;
    public int Warmup { get; init; } = 20;
    public bool Sqlite { get; init; } = true;
    /// <summary>The PostgreSQL database (a schema of the bench's own is made in it); null: SQLite only.</summary>
    public string? Postgres { get; init; }
    public int Writers { get; init; } = 32;
    public int WriteRate { get; init; } = 10;
    public int WriteWarmupSeconds { get; init; } = 10;
    public int WriteSeconds { get; init; } = 30;
    public int WriteRounds { get; init; } = 2;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions { Postgres = Environment.GetEnvironmentVariable("COLLAB_TEST_POSTGRES") is { Length: > 0 } pg ? pg : null };
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--documents" => options with { Documents = int.Parse(Value()) },
                "--runs" => options with { Runs = int.Parse(Value()) },
                "--warmup" => options with { Warmup = int.Parse(Value()) },
                "--postgres" => options with { Postgres = Value() },
                "--no-postgres" => options with { Postgres = null },
                "--no-sqlite" => options with { Sqlite = false },
                "--writers" => options with { Writers = int.Parse(Value()) },
                "--write-rate" => options with { WriteRate = int.Parse(Value()) },
                "--write-warmup" => options with { WriteWarmupSeconds = int.Parse(Value()) },
                "--write-seconds" => options with { WriteSeconds = int.Parse(Value()) },
                "--write-rounds" => options with { WriteRounds = int.Parse(Value()) },
                _ => throw new ArgumentException($"Unknown option {args[i]}: --documents N --runs N --warmup N --postgres CS | --no-postgres, " +
                                                 "--no-sqlite, --writers N --write-rate OPS_PER_WRITER --write-warmup S --write-seconds S --write-rounds N " +
                                                 "(--write-rounds 0: no write cost)"),
            };
        }
        return options;
    }

    /// <summary>The command that repeats this run (the PostgreSQL database as COLLAB_TEST_POSTGRES, not its password).</summary>
    public string Reproduce()
    {
        var args = new List<string> { "--documents", Documents.ToString(), "--runs", Runs.ToString(), "--warmup", Warmup.ToString(),
            "--writers", Writers.ToString(), "--write-rate", WriteRate.ToString(), "--write-warmup", WriteWarmupSeconds.ToString(),
            "--write-seconds", WriteSeconds.ToString(), "--write-rounds", WriteRounds.ToString() };
        if (!Sqlite) args.Add("--no-sqlite");
        string prefix = Postgres is null ? "" : "COLLAB_TEST_POSTGRES=$(scripts/local-postgres.sh collab_test | tail -1) ";
        if (Postgres is null) args.Add("--no-postgres");
        return $"{prefix}dotnet run -c Release --project bench/CollabQueryBench -- {string.Join(' ', args)}";
    }
}
