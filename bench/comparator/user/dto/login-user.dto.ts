export class LoginUserDto {
  username!: string;
  password!: string;
}
