namespace CollabHost.Security;

/// <summary>
/// <c>CollabHost token --sub alice [--name Alice] [--read 'docs/*']... [--write 'docs/*']... [--ttl 8h] [--secret s]</c>:
/// mints an access token for development with the configured secret (<c>Collab:Auth:Secret</c> from appsettings.json
/// or the environment <c>Collab__Auth__Secret</c>), with the first of <c>Collab:Auth:Issuers</c> and
/// <c>Collab:Auth:Audiences</c> as <c>iss</c> and <c>aud</c> when they are set. Prints the token alone on stdout.
/// </summary>
public static class DevTokenCommand
{
    public const string Name = "token";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var auth = configuration.GetSection(CollabOptions.Section + ":Auth").Get<AuthOptions>() ?? new AuthOptions();

        string? subject = null, name = null;
        var read = new List<string>();
        var write = new List<string>();
        TimeSpan lifetime = auth.DevTokenLifetime;
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                string value = i + 1 < args.Length ? args[i + 1] : throw new FormatException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--sub": subject = value; break;
                    case "--name": name = value; break;
                    case "--read": read.Add(value); break;
                    case "--write": write.Add(value); break;
                    case "--ttl": lifetime = ParseLifetime(value); break;
                    case "--secret": auth.Secret = value; break;
                    default: throw new FormatException($"unknown option {args[i]}");
                }
                i++;
            }
            if (string.IsNullOrEmpty(subject)) throw new FormatException("--sub is required");
            foreach (string pattern in read.Concat(write)) CollabActors.Security.DocumentPattern.Parse(pattern);
            byte[] secret = auth.SecretBytes();
            DateTimeOffset now = DateTimeOffset.UtcNow;
            var claims = new AccessTokenClaims(subject, name ?? subject, now + lifetime, read, write);
            // The host checks iss and aud when it is configured to; the minted token carries the first of each.
            stdout.WriteLine(AccessToken.Create(claims, secret, now, auth.Issuers.FirstOrDefault(), auth.Audiences.FirstOrDefault()));
            stderr.WriteLine($"token for {subject}: read [{string.Join(", ", read)}] write [{string.Join(", ", write)}], expires {claims.ExpiresAt:u}");
            return 0;
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            stderr.WriteLine("token: " + e.Message);
            stderr.WriteLine("usage: CollabHost token --sub <subject> [--name <display name>] [--read <pattern>]... " +
                             "[--write <pattern>]... [--ttl 8h|30m|90s] [--secret <secret>]");
            return 2;
        }
    }

    private static TimeSpan ParseLifetime(string value)
    {
        if (value.Length >= 2 && double.TryParse(value[..^1], System.Globalization.CultureInfo.InvariantCulture, out double n) && n > 0)
        {
            switch (value[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'd': return TimeSpan.FromDays(n);
            }
        }
        return TimeSpan.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out TimeSpan span) && span > TimeSpan.Zero
            ? span
            : throw new FormatException($"--ttl '{value}' is not a lifetime like 8h, 30m or 90s");
    }
}
