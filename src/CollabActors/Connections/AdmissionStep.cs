using CollabActors.Protocol;

namespace CollabActors.Connections;

/// <summary>
/// What <see cref="ConnectionAdmission"/> decided for the messages it was offered or is releasing: those to handle now
/// (in the order the client sent them), refusals to carry out (error replies or a 1008 close), and how long until the
/// oldest message still waiting may go (null when none waits).
/// </summary>
internal sealed record AdmissionStep(IReadOnlyList<ClientMessage> Admitted, IReadOnlyList<ConnectionEffect> Refusals, TimeSpan? WaitFor)
{
    public static AdmissionStep Admit(ClientMessage message) => new([message], [], null);

    public static AdmissionStep Refuse(ConnectionEffect refusal) => new([], [refusal], null);

    public static AdmissionStep Wait(TimeSpan wait) => new([], [], wait);
}
