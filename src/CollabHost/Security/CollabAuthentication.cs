using System.Security.Claims;
using CollabActors.Diagnostics;
using CollabActors.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CollabHost.Security;

/// <summary>
/// Access tokens through ASP.NET Core: the JwtBearer handler validates them (signature, algorithm, <c>exp</c>/<c>nbf</c>
/// with clock skew, issuer, audience) and one authorization policy, <see cref="Policy"/>, guards <c>/ws</c> and
/// <c>/api</c>. With authentication off the policy lets everyone in.
/// </summary>
public static class CollabAuthentication
{
    public const string Policy = "collab";

    /// <summary>Longer tokens are refused unread.</summary>
    public const int MaxTokenChars = 8 * 1024;

    /// <summary>
    /// The algorithms a token may be signed with. <c>none</c> is not among them, and a key only verifies its own kind
    /// (an RSA public key is never taken as an HMAC secret).
    /// </summary>
    public static readonly string[] Algorithms =
        [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256];

    public static IServiceCollection AddCollabAuthentication(this IServiceCollection services, AuthOptions auth)
    {
        auth.Validate(); // fails the start on settings that cannot work
        services.AddSingleton(sp => new SigningKeys(auth, sp.GetRequiredService<ILogger<SigningKeys>>()));
        services.AddSingleton<AccessTokenValidator>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false; // claims keep their JWT names: sub, name, read, write
            options.IncludeErrorDetails = true; // WWW-Authenticate says why (expired, bad signature), never echoing the token
        });
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<SigningKeys>((options, keys) =>
        {
            options.TokenValidationParameters = ValidationParameters(auth, keys);
            options.Events = new JwtBearerEvents
            {
                OnMessageReceived = context => ReadTokenAsync(context, keys),
                OnChallenge = context =>
                {
                    CollabMetrics.MessageRejected(context.Request.Path.StartsWithSegments("/ws") ? "upgrade_unauthorized" : "api_unauthorized");
                    return Task.CompletedTask;
                },
            };
        });
        services.AddAuthorization(options => options.AddPolicy(Policy, policy =>
        {
            if (auth.Enabled) policy.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme).RequireAuthenticatedUser();
            else policy.RequireAssertion(_ => true);
        }));
        return services;
    }

    /// <summary>What a token must satisfy, whoever validates it (the host, or a test holding the same settings).</summary>
    public static TokenValidationParameters ValidationParameters(AuthOptions auth, SigningKeys keys) => new()
    {
        ValidAlgorithms = Algorithms,
        IssuerSigningKeyResolver = (_, _, _, _) => keys.Current,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateLifetime = true,
        ClockSkew = auth.ClockSkew,
        ValidateIssuer = auth.Issuers.Count > 0,
        ValidIssuers = auth.Issuers,
        ValidateAudience = auth.Audiences.Count > 0,
        ValidAudiences = auth.Audiences,
        NameClaimType = "name",
        ValidateIssuerSigningKey = true,
    };

    /// <summary>
    /// What a validated token grants a WebSocket connection. The session ends where the token stops being accepted: at
    /// <c>exp</c> plus the clock skew the check allowed. Throws <see cref="FormatException"/> or
    /// <see cref="ArgumentException"/> for claims that are not usable (<see cref="AccessTokenClaims.From"/>).
    /// </summary>
    public static ConnectionAccess AccessOf(ClaimsPrincipal user, AuthOptions auth)
    {
        ConnectionAccess access = AccessTokenClaims.From(user).ToAccess(auth.ClientIdKey());
        return access with { ExpiresAt = access.ExpiresAt + auth.ClockSkew };
    }

    /// <summary>
    /// The token a request carries: from <c>Authorization: Bearer</c> or, for browsers (which cannot set headers on a
    /// WebSocket), from <c>?token=</c>; null when it carries none.
    /// </summary>
    public static string? TokenOf(string? authorization, string? queryToken) =>
        authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization["Bearer ".Length..].Trim()
            : queryToken is { Length: > 0 } ? queryToken : null;

    /// <summary>The token (<see cref="TokenOf"/>), and the JWKS brought up to date for the key id it names before the handler validates it.</summary>
    private static async Task ReadTokenAsync(MessageReceivedContext context, SigningKeys keys)
    {
        string? token = TokenOf(context.Request.Headers.Authorization.ToString(),
            context.Request.Query.TryGetValue("token", out var query) ? query.ToString() : null);
        if (token is null)
        {
            context.NoResult();
            return;
        }
        if (token.Length > MaxTokenChars)
        {
            context.Fail("token too long");
            return;
        }
        context.Token = token;
        await keys.RefreshAsync(KeyIdOf(token), context.HttpContext.RequestAborted);
    }

    /// <summary>The key id (<c>kid</c>) a token's header names, or null.</summary>
    internal static string? KeyIdOf(string token)
    {
        var handler = new JsonWebTokenHandler();
        if (!handler.CanReadToken(token)) return null;
        try
        {
            return handler.ReadJsonWebToken(token).Kid is { Length: > 0 } kid ? kid : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
