using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace CollabHost.Security;

/// <summary>
/// Validates an access token where there is no HTTP request to run the JwtBearer handler on (a WebSocket handshake
/// answered on Kestrel's connection): the same token handlers, the same validation parameters and the same key refresh
/// as the handler (<see cref="CollabAuthentication"/>), so a token is good here exactly when it is good there.
/// </summary>
public sealed class AccessTokenValidator(IOptionsMonitor<JwtBearerOptions> bearer, SigningKeys keys)
{
    /// <summary>The token's identity, or null for a token the JwtBearer handler would refuse.</summary>
    public async Task<ClaimsPrincipal?> ValidateAsync(string token, CancellationToken cancel)
    {
        if (token.Length > CollabAuthentication.MaxTokenChars) return null;
        await keys.RefreshAsync(CollabAuthentication.KeyIdOf(token), cancel);
        JwtBearerOptions options = bearer.Get(JwtBearerDefaults.AuthenticationScheme);
        foreach (TokenHandler handler in options.TokenHandlers)
        {
            TokenValidationResult result = await handler.ValidateTokenAsync(token, options.TokenValidationParameters);
            if (result.IsValid) return new ClaimsPrincipal(result.ClaimsIdentity);
        }
        return null;
    }
}
