namespace CollabHost;

/// <summary>Builds the CollabSuite web host: the same composition for `dotnet run` and for tests.</summary>
public static class CollabHostApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var app = builder.Build();
        app.MapHealthEndpoints();
        app.MapDemoEndpoints();
        return app;
    }
}
