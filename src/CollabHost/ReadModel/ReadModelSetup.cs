using CollabActors.Queries;
using CollabHost.Queries;

namespace CollabHost.ReadModel;

/// <summary>The read model in the host's DI: its database (the journal's), the projection worker, the query runner connections use, and the node's live queries.</summary>
public static class ReadModelSetup
{
    public static IServiceCollection AddReadModel(this IServiceCollection services, CollabOptions options)
    {
        ReadModelDatabase database = ReadModelDatabase.For(JournalSetup.JournalConfig(options));
        services.AddSingleton(database);
        services.AddSingleton(options.Queries);
        services.AddSingleton<ReadModelChanges>();
        services.AddSingleton<ReadModelProjection>();
        services.AddHostedService(provider => provider.GetRequiredService<ReadModelProjection>());
        services.AddSingleton(provider => new QueryRunner(database, options.Queries, provider.GetRequiredService<ReadModelProjection>().SchemaReady));
        services.AddSingleton<IDocumentQueries>(provider => provider.GetRequiredService<QueryRunner>());
        services.AddSingleton<QuerySubscriptions>();
        services.AddHostedService(provider => provider.GetRequiredService<QuerySubscriptions>());
        services.AddSingleton<IQuerySubscriptions>(provider => provider.GetRequiredService<QuerySubscriptions>());
        return services;
    }
}
