using Microsoft.Extensions.FileProviders;

namespace CollabHost;

/// <summary>The demo editor: static files from wwwroot at `/`, and `/d/{name}` answered with its index.html.</summary>
public static class DemoEndpoints
{
    // The bundle (wwwroot/app.js) is rebuilt from clients/js; no-cache makes browsers revalidate instead of keeping an old one.
    private const string CacheControl = "no-cache";

    public static WebApplication MapDemoEndpoints(this WebApplication app)
    {
        // wwwroot is copied beside the binaries, so `dotnet CollabHost.dll` run from any folder serves the same files
        // as `dotnet run --project src/CollabHost`.
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!Directory.Exists(root))
        {
            app.Logger.LogWarning("Demo editor files not found at {Root}: / and /d/{{name}} are not served", root);
            return app;
        }
        var files = new PhysicalFileProvider(root);
        var staticFiles = new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = CacheControl,
        };
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(staticFiles);
        app.MapFallbackToFile("/d/{name}", "index.html", staticFiles);
        return app;
    }
}
