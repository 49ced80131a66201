namespace Livechat.Server.Events;

public static class EventsSetup
{
    /// <summary>The change feed, the interceptor that produces its events, and the cross-process relay (PostgreSQL).</summary>
    public static IServiceCollection AddChangeEvents(this IServiceCollection services)
    {
        services.AddSingleton<ChangeFeed>();
        services.AddSingleton<IChangeFeed>(sp => sp.GetRequiredService<ChangeFeed>());
        services.AddSingleton<ChangeInterceptor>();
        services.AddHostedService<PostgresChangeRelay>();
        return services;
    }
}
