using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Livechat.Server.Events;

public static class EventsSetup
{
    /// <summary>
    /// The change feed, the interceptor that applies <see cref="SaveConventions"/> and produces the feed's events on
    /// every save (registered as an <see cref="IInterceptor"/>, which <c>AddLivechatDb</c> adds to the context), and
    /// the cross-process relay (PostgreSQL).
    /// </summary>
    public static IServiceCollection AddChangeEvents(this IServiceCollection services)
    {
        services.AddSingleton<ChangeFeed>();
        services.AddSingleton<IChangeFeed>(sp => sp.GetRequiredService<ChangeFeed>());
        services.AddSingleton<ChangeInterceptor>();
        services.AddSingleton<IInterceptor>(sp => sp.GetRequiredService<ChangeInterceptor>());
        services.AddHostedService<PostgresChangeRelay>();
        return services;
    }
}
