using Microsoft.Extensions.FileProviders;

namespace CollabHost;

/// <summary>
/// The demo editor: static files from wwwroot at `/`, and its pages `/d/{name}` (a text document in CodeMirror) and
/// `/r/{name}` (a rich-text document in Quill) answered with its index.html; the page picks the editor from the path.
/// </summary>
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
            app.Logger.LogWarning("Demo editor files not found at {Root}: /, /d/{{name}} and /r/{{name}} are not served", root);
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
        app.MapFallbackToFile("/r/{name}", "index.html", staticFiles);
        return app;
    }
}
