namespace CollabHost;

/// <summary>Builds the CollabSuite web host: the same composition for `dotnet run` and for tests.</summary>
public static class CollabHostApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var options = builder.Configuration.GetSection(CollabOptions.Section).Get<CollabOptions>() ?? new CollabOptions();
        builder.Services.Configure<CollabOptions>(builder.Configuration.GetSection(CollabOptions.Section));
        builder.Services.AddCollabActors(options);

        var app = builder.Build();
        app.MapHealthEndpoints();
        app.MapWebSocketEndpoints();
        app.MapDocumentApiEndpoints();
        app.MapDemoEndpoints();
        return app;
    }
}
