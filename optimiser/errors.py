"""The one exception htq raises for bad input, and how a place in a file is written.

Infeasibility is a result, never an error."""


def key_path(*parts: str | int) -> str:
    """A key path: ('programme', 'modules', 3, 'credits') -> 'programme.modules[3].credits'.

    A text part may itself be a path ("standard.ksbs"); empty parts are left out."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part:
            out += ("." if out and not part.startswith("[") else "") + part
    return out


class InputError(Exception):
    """Bad input: names the file and the place (key path, or sheet/row/column)."""

    def __init__(self, file: str, place: str, message: str) -> None:
        self.file = file
        self.place = place
        self.message = message
        where = f"{file}: {place}" if place else file
        super().__init__(f"{where}: {message}")


class InputErrors(InputError):
    """Several input errors at once; the message lists each on its own line."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(first.file, first.place, first.message)
        self.args = ("\n".join(str(e) for e in errors),)


class InputWarning(UserWarning):
    """Input that is read, but perhaps not as meant (a hidden sheet, an extra sheet): names
    the file and the place like `InputError`; the command line prints it and goes on."""

    def __init__(self, file: str, place: str, message: str) -> None:
        self.file = file
        self.place = place
        self.message = message
        where = f"{file}: {place}" if place else file
        super().__init__(f"{where}: {message}")
